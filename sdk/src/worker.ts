// Composition root of the pipeline: capture (main thread) -> scrub -> dedupe -> queue -> batch
// -> encode -> send. Runs in a Web Worker (exposed with comlink below) or, where workers are not
// allowed, on the main thread (the bridge imports `createPipeline` from this same file).
import { expose } from 'comlink';
import type { WireEvent } from './beacon/wire-event.js';
import { systemClock } from './pipeline/clock.js';
import type { Clock } from './pipeline/clock.js';
import { createDeduper } from './pipeline/dedupe.js';
import { encodeBody } from './pipeline/encode-body.js';
import type { EventQueue, QueueBounds } from './pipeline/event-queue.js';
import { createFlushScheduler } from './pipeline/flush-scheduler.js';
import type { FlushOutcome } from './pipeline/flush-scheduler.js';
import { acquireLeadership } from './pipeline/leadership.js';
import { loadHashCore } from './pipeline/load-hash-core.js';
import { openIdbQueue } from './pipeline/idb-queue.js';
import { encodeLastGasp } from './pipeline/last-gasp-beacon.js';
import { scrubEvent } from './pipeline/scrub-event.js';
import { sendBatch } from './pipeline/send-batch.js';
import type { FetchLike } from './pipeline/send-batch.js';
import { openTabChannel } from './pipeline/tab-channel.js';
import { TabMessageKind } from './protocol.js';
import type { PageStateListener, PipelineApi, PipelineConfig, WorkerApi } from './protocol.js';

const BATCH_SIZE = 50;
const DEDUPE_WINDOW_MS = 1_000;
/** The last-gasp beacon carries at most this many of the page's newest undelivered events. */
const LAST_GASP_EVENTS = 200;
/**
 * The collector refuses a whole batch when one event is older than this after clock-skew
 * correction (`sentAt - ts`; `ts_too_old`, docs/storage.md), and a refused batch is dropped: so the
 * queue never keeps events longer, whatever `maxEventAgeMs` says, or one stale event would take
 * its in-window batch-mates down with it.
 */
const COLLECTOR_MAX_AGE_MS = 7 * 86_400_000;

/** Replaceable parts, so the same wiring runs in Node tests. */
export interface PipelineEnv {
  clock?: Clock;
  fetch?: FetchLike;
  openQueue?: (site: string, bounds: QueueBounds) => Promise<EventQueue>;
}

export async function createPipeline(
  config: PipelineConfig,
  onPageState: PageStateListener,
  env: PipelineEnv = {},
): Promise<PipelineApi> {
  const clock = env.clock ?? systemClock;
  const maxAgeMs = Math.min(config.maxEventAgeMs ?? COLLECTOR_MAX_AGE_MS, COLLECTOR_MAX_AGE_MS);
  const bounds: QueueBounds = { maxEvents: config.maxQueuedEvents ?? 1_000, maxAgeMs, now: clock.now };
  const { core } = await loadHashCore();
  // IndexedDB may be missing or refuse to open (some private modes): queue in memory instead.
  const queue = await (env.openQueue ?? openIdbQueue)(config.site, bounds).catch(async () =>
    (await import('./pipeline/memory-queue.js')).createMemoryQueue(bounds),
  );
  const isNew = createDeduper(core, DEDUPE_WINDOW_MS);
  const scrubOptions = config.allowParams ? { allowParams: config.allowParams } : {};

  // This page's events until some tab's pipeline delivers them: what pagehide must send.
  const undelivered = new Map<string, WireEvent>();
  const delivered = (ids: string[]) => {
    let changed = false;
    for (const id of ids) changed = undelivered.delete(id) || changed;
    if (changed) publishLastGasp();
  };
  const publishLastGasp = () => {
    const events = [...undelivered.values()];
    onPageState({ beacon: events.length ? encodeLastGasp({ site: config.site, events }) : null, ids: events.map((event) => event.id) });
  };

  const sendAll = async (): Promise<FlushOutcome> => {
    if (!leader.isLeader) return 'idle';
    for (;;) {
      // sentAt is read before the queue drops what is too old (peek reads the clock again, later),
      // so every event sent is at most maxAgeMs older than its batch's sentAt: none is refused as too old.
      const sentAt = clock.now();
      const events = await queue.peek(BATCH_SIZE);
      // The dropped count rides with the next events: the collector refuses a batch without events.
      if (!events.length) return 'idle';
      const dropped = await queue.dropped();
      const body = await encodeBody({ site: config.site, sentAt, events, ...(dropped ? { dropped } : {}) });
      const outcome = await sendBatch(config.endpoint, body, env.fetch);
      if (outcome === 'retry') return 'retry';
      const ids = events.map((event) => event.id);
      await queue.remove(ids);
      if (outcome === 'drop') {
        await queue.addDropped(ids.length);
        continue;
      }
      await queue.addDropped(-dropped);
      sent += ids.length;
      delivered(ids);
      tabs.post({ kind: TabMessageKind.Delivered, ids });
    }
  };

  let sent = 0;
  const scheduler = createFlushScheduler({
    clock,
    flush: sendAll,
    intervalMs: config.flushIntervalMs ?? 15_000,
    batchDelayMs: 200,
    backoff: { baseMs: 1_000, maxMs: 5 * 60_000 },
  });
  const tabs = openTabChannel(config.site, (message) => {
    if (message.kind === TabMessageKind.Queued) scheduler.soon();
    else delivered(message.ids);
  });
  const leader = acquireLeadership(config.site, () => void scheduler.now());
  const onOnline = () => void scheduler.now();
  globalThis.addEventListener?.('online', onOnline);

  return {
    async add(events: WireEvent[]) {
      const clean = events.map((event) => scrubEvent(event, scrubOptions)).filter(isNew);
      for (const event of clean) undelivered.set(event.id, event);
      while (undelivered.size > LAST_GASP_EVENTS) undelivered.delete(undelivered.keys().next().value!);
      publishLastGasp();
      await queue.put(clean);
      tabs.post({ kind: TabMessageKind.Queued });
      scheduler.soon();
    },
    async flush() {
      const before = sent;
      await scheduler.now();
      return { sent: sent - before, queued: await queue.count() };
    },
    clear: () => queue.clear(),
    async close() {
      scheduler.stop();
      leader.release();
      tabs.close();
      globalThis.removeEventListener?.('online', onOnline);
      queue.close();
    },
  };
}

// In a worker: expose the pipeline over comlink. Imported on the main thread (fallback), this is inert.
declare const WorkerGlobalScope: unknown;
if (typeof WorkerGlobalScope !== 'undefined') {
  // comlink looks methods up at call time, so `start` installs the pipeline's methods on the
  // exposed object itself (calls before start fail with a TypeError, which comlink serializes).
  const api = {
    async start(config, onPageState) {
      Object.assign(api, await createPipeline(config, onPageState));
    },
  } as WorkerApi;
  expose(api);
}
