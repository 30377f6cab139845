import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickHouseInstalled, startClickHouse, type ClickHouseServer } from '../support/clickhouse-server.js';
import { spawnCollector, type CollectorProcess } from '../support/collector-process.js';
import { CHROME_UA, getStats } from '../support/collector-fixtures.js';
import { nginxInstalled } from '../support/required-tool.js';

// nginx (consistent hash on the client address, as deploy/nginx.conf) + 2 collectors + ClickHouse on
// loopback. Clients are told apart by their source address (127.0.0.x, all loopback on Linux), so the
// hash really spreads them. One collector is killed mid-way and restarted; the stats must equal those
// of one collector fed the same traffic directly.
const TOKEN = 'cluster-test-token';
// 16 clients: with two collectors on random ports, the chance that the hash sends them all to one is negligible.
const CLIENTS = Array.from({ length: 16 }, (_, i) => `127.0.0.${11 + i}`);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Batch {
  ip: string;
  body: string;
}

// Per client: a first visit of 3 pages (one every 2 minutes), a gap of 50 minutes, a second visit of 1-3
// pages (1 = a bounce); a signup in
// some visits. Times sit 30 s into a minute so skew correction (a few ms) never moves a bucket.
function traffic(): Batch[][] {
  const base = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR + 30_000;
  const perClient = CLIENTS.map((ip, c) => {
    const batches: Batch[] = [];
    let minute = c * 3;
    for (let visit = 0; visit < 2; visit++) {
      const pages = visit === 0 ? 3 : 1 + (c % 3);
      for (let p = 0; p < pages; p++) {
        const events: Record<string, unknown>[] = [{ id: `c${c}-v${visit}-p${p}`, type: 'pageview', url: `https://cluster.test/${['', 'pricing', 'docs'][p]}`, referrer: c % 2 ? 'https://news.ycombinator.com/' : '', ts: base + minute * MINUTE, name: null, props: {} }];
        if (p === 1 && c % 2 === 0) events.push({ ...events[0]!, id: `c${c}-v${visit}-signup`, type: 'event', name: 'signup' });
        batches.push({ ip, body: JSON.stringify({ site: 'cluster.test', sentAt: 0, events }) });
        minute += 2;
      }
      minute += 50;
    }
    return batches;
  });
  // Rounds: the i-th batch of every client that has one, as concurrent visitors would interleave.
  const rounds: Batch[][] = [];
  for (let i = 0; perClient.some((b) => i < b.length); i++) rounds.push(perClient.flatMap((b) => (b[i] ? [b[i]!] : [])));
  return rounds;
}

/** POST like the SDK: sentAt = now, retried on a network error, 502 or 503. */
async function deliver(url: string, batch: Batch, via: 'source' | 'header'): Promise<void> {
  const body = batch.body.replace('"sentAt":0', `"sentAt":${Date.now()}`);
  for (let attempt = 0; attempt < 20; attempt++) {
    const status = await new Promise<number>((resolve) => {
      const req = request(`${url}/api/events`, {
        method: 'POST',
        agent: false,
        localAddress: via === 'source' ? batch.ip : undefined,
        headers: { 'user-agent': CHROME_UA, 'content-type': 'text/plain', ...(via === 'header' ? { 'x-forwarded-for': batch.ip } : {}) },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', () => resolve(0));
      req.end(body);
    });
    if (status === 202) return;
    if (status !== 0 && status !== 502 && status !== 503) throw new Error(`unexpected ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('batch not delivered after 20 attempts');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startNginx(dir: string, port: number, upstreams: number[]): Promise<ChildProcess> {
  for (const sub of ['logs', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'nginx.conf'), `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body; proxy_temp_path ${dir}/tmp/proxy; fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi; scgi_temp_path ${dir}/tmp/scgi;
  upstream wisp_collectors {
    hash $remote_addr consistent;
    ${upstreams.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=1s;`).join('\n    ')}
    keepalive 8;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://wisp_collectors;
      include ${join(process.cwd(), 'deploy/wisp-proxy.conf')};
    }
  }
}
`);
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'logs/error.log')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status > 0, () => false);
    if (up) return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error('nginx did not start');
}

describe.skipIf(!clickHouseInstalled() || !nginxInstalled())('nginx + 2 collectors + ClickHouse', () => {
  let clickhouse: ClickHouseServer;
  let dir: string;
  const processes: CollectorProcess[] = [];
  let nginx: ChildProcess | undefined;

  beforeAll(async () => {
    clickhouse = await startClickHouse();
    dir = mkdtempSync(join(tmpdir(), 'wisp-cluster-'));
  });
  // Three servers stop here, each flushing what it holds: more than vitest's default 10 s hook budget
  // on a loaded 2-core machine (seen in CI), so they stop in parallel with a budget of their own.
  afterAll(async () => {
    nginx?.kill('SIGQUIT');
    await Promise.all(processes.map((p) => p.kill()));
    await clickhouse?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const env = (database: string, port: number) => ({
    WISP_STORE: 'clickhouse', WISP_CLICKHOUSE_URL: `${clickhouse.url}/${database}`, WISP_TRUST_PROXY: '1',
    WISP_TOKEN: TOKEN, WISP_RATE_LIMIT: '0', WISP_PORT: String(port),
  });

  it('gives the stats of a single-node run after a collector is killed mid-way and restarted', async () => {
    const rounds = traffic();
    expect(rounds.length).toBeGreaterThanOrEqual(4);
    expect(rounds[3]).toHaveLength(CLIENTS.length); // every client sends again after the restart
    const range = { site: 'cluster.test', from: Date.now() - 4 * HOUR, to: Date.now() + HOUR };

    const single = await spawnCollector({ env: env('wisp_single', 0) });
    processes.push(single);
    for (const batch of rounds.flat()) await deliver(single.url, batch, 'header');
    const expected = await getStats(single.url, TOKEN, range);
    expect(expected.json.totals.pageviews).toBeGreaterThan(20);

    const [nginxPort, portA, portB] = [await freePort(), await freePort(), await freePort()];
    const a = await spawnCollector({ env: env('wisp_cluster', portA) });
    let b = await spawnCollector({ env: env('wisp_cluster', portB) });
    processes.push(a, b);
    nginx = await startNginx(join(dir, 'nginx'), nginxPort, [portA, portB]);
    const front = `http://127.0.0.1:${nginxPort}`;

    const accepted = async (collector: CollectorProcess) => {
      const text = await (await fetch(`${collector.url}/metrics`)).text();
      return Number(/^wisp_events_total\{outcome="accepted",reason=""\} (\d+)/m.exec(text)?.[1] ?? 0);
    };
    for (const batch of rounds.slice(0, 2).flat()) await deliver(front, batch, 'source');
    expect(await accepted(a), 'collector A took some visitors').toBeGreaterThan(0);
    expect(await accepted(b), 'collector B took some visitors').toBeGreaterThan(0);
    await b.kill('SIGKILL');
    for (const batch of rounds[2]!) await deliver(front, batch, 'source');
    b = await spawnCollector({ env: env('wisp_cluster', portB), dataDir: b.dataDir });
    processes.push(b);
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // nginx retries a failed server after fail_timeout
    for (const batch of rounds.slice(3).flat()) await deliver(front, batch, 'source');
    expect(await accepted(b), 'the restarted collector B took its visitors back').toBeGreaterThan(0);

    // Each collector inserts its own buffer at most once per second: reads through another collector
    // see the last second of events shortly after.
    // Session lengths differ by the few ms of per-request skew correction; everything else is exact.
    const withoutLength = (stats: Record<string, any>) => ({ ...stats, totals: { ...stats.totals, avgSessionSeconds: 0 } });
    let actual: Record<string, any> = {};
    await expect
      .poll(async () => withoutLength((actual = (await getStats(front, TOKEN, range)).json)), { timeout: 10_000, interval: 500 })
      .toEqual(withoutLength(expected.json));
    expect(Math.abs(actual.totals.avgSessionSeconds - expected.json.totals.avgSessionSeconds)).toBeLessThan(0.5);
  }, 120_000);
});
