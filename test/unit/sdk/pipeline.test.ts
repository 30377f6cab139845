import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeBeacon } from '../../../sdk/src/beacon/index.js';
import type { WireBatch, WireEvent } from '../../../sdk/src/beacon/index.js';
import { createMemoryQueue } from '../../../sdk/src/pipeline/memory-queue.js';
import type { PageState, PipelineApi } from '../../../sdk/src/protocol.js';
import { createPipeline } from '../../../sdk/src/worker.js';
import { fakeClock } from './fake-clock.js';

// The worker's composition root run in Node with its replaceable parts injected: a memory queue,
// a scripted fetch, a manual clock. Browser behaviour (Worker, IndexedDB, locks) is in test/e2e/sdk.
const open: PipelineApi[] = [];
afterEach(async () => {
  for (const pipeline of open.splice(0)) await pipeline.close();
});

let counter = 0;
function event(overrides: Partial<WireEvent> = {}): WireEvent {
  const id = `id${String(++counter).padStart(10, '0')}`;
  return { id, type: 'event', url: 'https://shop.example/a', referrer: '', ts: 1_795_000_000_000 + counter, name: 'click', props: { n: counter }, ...overrides };
}

const DAY = 86_400_000;

/** Answers like the collector where its answer does not depend on the test's script (docs/storage.md). */
function collectorRefusal(batch: WireBatch): number | undefined {
  if (!batch.events.length) return 400; // no_events
  if (batch.events.some((e) => batch.sentAt - e.ts > 7 * DAY)) return 400; // ts_too_old (whole batch)
  return undefined;
}

async function setup(statuses: number[], maxQueuedEvents = 100, maxEventAgeMs = DAY) {
  const clock = fakeClock();
  const sent: WireBatch[] = [];
  const states: PageState[] = [];
  /** While true, every send fails like a dead network (and is not recorded in `sent`). */
  const network = { down: false };
  const pipeline = await createPipeline(
    { site: 'shop.example', endpoint: 'https://c.example/api/e', maxQueuedEvents, maxEventAgeMs, flushIntervalMs: 15_000, debug: false },
    (state) => states.push(state),
    {
      clock,
      openQueue: async (_, bounds) => createMemoryQueue(bounds),
      fetch: async (_, init) => {
        if (network.down) throw new TypeError('Failed to fetch');
        const body = new Uint8Array(init.body as Uint8Array);
        const batch = decodeBeacon(body[0] === 0x1f ? new Uint8Array(gunzipSync(body)) : body);
        sent.push(batch);
        return { status: collectorRefusal(batch) ?? statuses.shift() ?? 202 };
      },
    },
  );
  open.push(pipeline);
  return { clock, sent, states, pipeline, network };
}

describe('pipeline (worker.ts) in Node', () => {
  it('scrubs before anything is queued or sent, and collapses an identical double event', async () => {
    const { sent, pipeline, states } = await setup([]);
    const signup = event({ url: 'https://shop.example/u/jane@example.com?token=x', name: 'signup jane@example.com', props: { email: 'a@b.co', plan: 'pro' } });
    await pipeline.add([signup, { ...signup, id: 'idDOUBLE0001', ts: signup.ts + 5 }]);
    expect(await pipeline.flush()).toEqual({ sent: 1, queued: 0 });
    expect(sent[0]!.events).toEqual([{ ...signup, url: 'https://shop.example/u/[email]', name: 'signup [email]', props: { plan: 'pro' } }]);
    expect(JSON.stringify(states)).not.toContain('jane');
    expect(states.at(-1)!.beacon).toBeNull(); // delivered: nothing left for pagehide
  });

  it('publishes the pagehide beacon before the events are confirmed queued, naming the ids it carries', async () => {
    const { pipeline, states, network } = await setup([]);
    network.down = true;
    const added = pipeline.add([event(), event()]);
    expect(states).toHaveLength(1); // before add() resolves: the main thread may send both lists
    await added;
    const { beacon, ids } = states.at(-1)!;
    const carried = decodeBeacon(new Uint8Array([...beacon!.head, 0 /* sentAt */, ...beacon!.tail])).events.map((e) => e.id);
    expect(ids).toEqual(carried);
    expect(ids).toHaveLength(2);
  });

  it('keeps ids through retries (5xx, 429, network) and deletes only on 2xx', async () => {
    const { sent, pipeline } = await setup([503, 429, 202]);
    await pipeline.add([event(), event()]);
    expect((await pipeline.flush()).queued).toBe(2);
    expect((await pipeline.flush()).queued).toBe(2);
    expect(await pipeline.flush()).toEqual({ sent: 2, queued: 0 });
    expect(sent.map((batch) => batch.events.map((e) => e.id))).toEqual([sent[0]!.events.map((e) => e.id), sent[0]!.events.map((e) => e.id), sent[0]!.events.map((e) => e.id)]);
  });

  it('drops a batch the collector refuses for good (4xx) and reports it as dropped next time', async () => {
    const { sent, pipeline } = await setup([400, 202]);
    await pipeline.add([event()]);
    await pipeline.flush();
    await pipeline.add([event()]);
    expect(await pipeline.flush()).toEqual({ sent: 1, queued: 0 });
    expect(sent[1]!.dropped).toBe(1);
  });

  it('bounds the queue: drops the oldest, counts them in WireBatch.dropped once, then resets', async () => {
    const { sent, pipeline } = await setup([503], 3);
    await pipeline.add([event(), event(), event(), event(), event()]);
    await pipeline.flush(); // 503
    await pipeline.flush();
    expect(sent[1]!.events).toHaveLength(3);
    expect(sent[1]!.dropped).toBe(2);
    await pipeline.add([event()]);
    await pipeline.flush();
    expect(sent[2]!.dropped).toBeUndefined();
  });

  it('sends no batch without events: when every queued event aged out, the count waits for the next event', async () => {
    const { sent, pipeline, clock, network } = await setup([]);
    network.down = true;
    await pipeline.add([event(), event()]);
    await clock.advance(2 * DAY);
    network.down = false;
    expect(await pipeline.flush()).toEqual({ sent: 0, queued: 0 });
    expect(sent).toEqual([]); // before: an events-less beacon, refused, then resent in a loop
    await pipeline.add([event({ ts: clock.now() })]);
    expect(await pipeline.flush()).toEqual({ sent: 1, queued: 0 });
    expect(sent.map((batch) => [batch.events.length, batch.dropped])).toEqual([[1, 2]]);
  });

  it('keeps no event past the collector limit (7 days) whatever maxEventAgeMs says, so no fresh event shares a refused batch', async () => {
    const { sent, pipeline, clock, network } = await setup([], 100, 30 * DAY);
    network.down = true;
    await pipeline.add([event({ ts: clock.now() }), event({ ts: clock.now() + 1 })]);
    await clock.advance(7 * DAY + 2);
    const fresh = event({ ts: clock.now() });
    await pipeline.add([fresh]);
    network.down = false;
    expect(await pipeline.flush()).toEqual({ sent: 1, queued: 0 });
    expect(sent.map((batch) => [batch.events.map((e) => e.id), batch.dropped])).toEqual([[[fresh.id], 2]]);
  });

  it('an event exactly maxEventAgeMs old when its batch leaves is sent, not refused', async () => {
    const { sent, pipeline, clock, network } = await setup([], 100, 7 * DAY);
    network.down = true;
    const edge = event({ ts: clock.now() });
    await pipeline.add([edge]);
    await clock.advance(7 * DAY);
    network.down = false;
    expect(await pipeline.flush()).toEqual({ sent: 1, queued: 0 });
    expect(sent[0]!.sentAt - edge.ts).toBe(7 * DAY);
  });

  it('sends up to 50 events per beacon, gzipped when it pays, with sentAt from the clock', async () => {
    const { sent, pipeline, clock } = await setup([], 1_000);
    await pipeline.add(Array.from({ length: 120 }, () => event()));
    expect(await pipeline.flush()).toEqual({ sent: 120, queued: 0 });
    expect(sent.map((batch) => batch.events.length)).toEqual([50, 50, 20]);
    expect(sent.every((batch) => batch.sentAt === clock.now())).toBe(true);
  });
});
