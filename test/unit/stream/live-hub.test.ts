import { once } from 'node:events';
import { createServer, get, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { currentVisitors, LiveHub, liveSnapshot, sseFrame, type LiveSnapshot } from '../../../collector/src/live/index.js';
import { MINUTE_MS, Rollups } from '../../../collector/src/rollups/index.js';
import { Sessionizer, type StreamEvent } from '../../../collector/src/sessions/index.js';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 30);
let closeAll: (() => Promise<void>) | null = null;
afterEach(async () => {
  await closeAll?.();
  closeAll = null;
});

/** Serves a web Response on node:http the way the collector's adapter does (cancel on close). */
async function pipeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => (headers[key] = value));
  res.writeHead(response.status, headers);
  const reader = response.body!.getReader();
  res.on('close', () => void reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    res.write(value);
  }
  res.end();
}

type Mode = 'web Response' | 'node:http';

async function setup(mode: Mode, options: { coalesceMs?: number; heartbeatMs?: number } = {}) {
  let now = T0;
  const clock = () => now;
  const rollups = new Rollups({ clock, coveredFrom: T0 - 60 * MINUTE_MS });
  const sessions = new Sessionizer({ clock });
  const hub = new LiveHub({ snapshot: (site) => liveSnapshot(site, clock(), rollups, sessions), ...options });
  const server: Server = createServer((req, res) => {
    const site = new URL(req.url ?? '/', 'http://x').searchParams.get('site') ?? '';
    if (mode === 'node:http') hub.handle(req, res, site);
    else void pipeResponse(hub.response(site), res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/live`;
  const ingest = (events: StreamEvent[]) => {
    rollups.addEvents(events);
    sessions.ingest(events);
    hub.notify(new Set(events.map((e) => e.site)));
  };
  closeAll = async () => {
    hub.close();
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  };
  return { hub, url, ingest, setNow: (t: number) => (now = t) };
}

/** A minimal SSE reader: frames as they arrive. */
function connect(url: string) {
  const frames: string[] = [];
  let buffer = '';
  let res: IncomingMessage | null = null;
  const req: ClientRequest = get(url, (r) => {
    res = r;
    r.setEncoding('utf8');
    r.on('data', (chunk: string) => {
      buffer += chunk;
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        frames.push(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
      }
    });
  });
  req.on('error', () => {});
  const snapshots = () =>
    frames.filter((f) => f.startsWith('event: snapshot')).map((f) => JSON.parse(f.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n')) as LiveSnapshot);
  return { frames, snapshots, req, headers: () => res?.headers };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - start;
}

const pv = (id: string, visitor: string, ts = T0, path = '/'): StreamEvent => ({ site: 's', visitor, id, type: 'pageview', path, ts });

describe.each(['web Response', 'node:http'] as const)('LiveHub over real HTTP (%s)', (mode) => {
  it('sends a snapshot on connect, then a coalesced update within 1 s of an ingest', async () => {
    const { url, ingest } = await setup(mode);
    const client = connect(url + '?site=s');
    await until(() => client.snapshots().length === 1);
    expect(client.headers()?.['content-type']).toMatch(/^text\/event-stream/);
    const first = client.snapshots()[0]!;
    expect(first).toMatchObject({ site: 's', current: 0, topPages: [] });
    expect(first.minutes).toHaveLength(30);
    expect(first.minutes[29]!.t).toBe(new Date(Math.floor(T0 / MINUTE_MS) * MINUTE_MS).toISOString());

    for (let i = 0; i < 20; i++) ingest([pv(`e${i}`, `v${i % 3}`, T0, i % 2 ? '/a' : '/b')]);
    const latency = await until(() => client.snapshots().length === 2);
    expect(latency).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 400));
    expect(client.snapshots()).toHaveLength(2); // 20 ingests, one coalesced message
    const update = client.snapshots()[1]!;
    expect(update.current).toBe(3);
    expect(update.minutes[29]).toMatchObject({ pageviews: 20, visitors: 3 });
    expect(update.topPages).toEqual([{ key: '/a', pageviews: 10 }, { key: '/b', pageviews: 10 }]);

    ingest([pv('e0', 'v0', T0 - 20 * MINUTE_MS)].map((e) => ({ ...e, id: 'old', site: 'other' })));
    await new Promise((r) => setTimeout(r, 400));
    expect(client.snapshots()).toHaveLength(2); // another site's ingest sends nothing here
  });

  it('sends `: ping` heartbeats', async () => {
    const { url } = await setup(mode, { heartbeatMs: 50 });
    const client = connect(url + '?site=s');
    await until(() => client.frames.filter((f) => f === ': ping').length >= 2);
  });

  it('1,000 dashboards connect and disconnect without leaking listeners', async () => {
    const { url, hub } = await setup(mode);
    const clients = Array.from({ length: 1000 }, (_, i) => connect(`${url}?site=s${i % 10}`));
    await until(() => clients.every((c) => c.snapshots().length === 1), 20_000);
    expect(hub.listenerCount).toBe(1000);
    for (const c of clients) c.req.destroy();
    await until(() => hub.listenerCount === 0, 10_000);
    expect(hub.listenerCount).toBe(0);
    expect((hub as unknown as { heartbeat: unknown }).heartbeat).toBeNull(); // no timer left behind
  });
});

describe('sseFrame', () => {
  it('cannot be split or extended by newlines in the payload or the name', () => {
    expect(sseFrame('snap\nshot', 'a\nevent: evil\r\ndata: x\rz')).toBe('event: snapshot\ndata: a\ndata: event: evil\ndata: data: x\ndata: z\n\n');
  });
});

describe('currentVisitors (read from the sessionizer)', () => {
  it('counts distinct visitors whose latest event time is in the last 5 minutes', () => {
    let now = T0;
    const sessions = new Sessionizer({ clock: () => now });
    sessions.ingest([pv('a', 'v1', T0 - 6 * MINUTE_MS), pv('b', 'v2', T0 - 4 * MINUTE_MS), pv('c', 'v2', T0 - MINUTE_MS), pv('d', 'v3', T0)]);
    expect(currentVisitors(sessions, 's', T0)).toBe(2);
    expect(currentVisitors(sessions, 's', T0 + 4.5 * MINUTE_MS)).toBe(1);
    expect(currentVisitors(sessions, 'other', T0)).toBe(0);
    // A visitor's latest event decides: one 2 minutes ahead of the clock hides its earlier one (as before).
    sessions.ingest([pv('e', 'v4', T0 - MINUTE_MS), pv('f', 'v4', T0 + 2 * MINUTE_MS)]);
    expect(currentVisitors(sessions, 's', T0)).toBe(2);
    now = T0 + 10 * MINUTE_MS;
    expect(currentVisitors(sessions, 's', now)).toBe(0);
  });

  it('counts 100,000 visitor hashes exactly, a visitor with two sessions once, and holds nothing of its own', () => {
    let now = T0;
    const sessions = new Sessionizer({ clock: () => now });
    // 64-bit hashes as fromStoredEvent writes them.
    const hash = (i: number) => BigInt.asUintN(64, 0x1000000000000000n + 0x9e3779b97f4a7n * BigInt(i)).toString(16);
    for (let k = 0; k < 3; k++) sessions.ingest(Array.from({ length: 100_000 }, (_, i) => pv(`e${k}-${i}`, hash(i), T0 - (i % 2) * 4 * MINUTE_MS + k)));
    const held = sessions.memory().sessions;
    expect(currentVisitors(sessions, 's', T0 + 2)).toBe(100_000);
    expect(sessions.memory().sessions).toBe(held);
    // Half of them (the ones 4 minutes back) age out 2 minutes later.
    now = T0 + 2 * MINUTE_MS;
    expect(currentVisitors(sessions, 's', now)).toBe(50_000);
    now = T0 + 3 * MINUTE_MS;
    sessions.ingest([pv('x', hash(1), now)]);
    expect(currentVisitors(sessions, 's', now)).toBe(50_001);
    // 40 minutes later: hash(0) comes back (a second session, the first still held), counted once.
    now = T0 + 40 * MINUTE_MS;
    sessions.ingest([pv('y', hash(0), now)]);
    expect(sessions.sessionsOf('s', hash(0))).toHaveLength(2);
    expect(currentVisitors(sessions, 's', now)).toBe(1);
    // Hashes equal in one half are still two visitors; other strings are counted too; 0 and 1 are two
    // visitors (the former table stored key 0 as 1 and merged them).
    const few = new Sessionizer({ clock: () => T0 });
    few.ingest([pv('p', 'ffffffff00000001', T0), pv('q', '1', T0), pv('r', '1', T0), pv('t', 'not-a-hash', T0), pv('u', '0', T0)]);
    expect(currentVisitors(few, 's', T0)).toBe(4);
  });
});
