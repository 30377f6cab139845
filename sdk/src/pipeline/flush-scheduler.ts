import { backoffDelayMs } from './backoff.js';
import type { BackoffOptions } from './backoff.js';
import type { Clock } from './clock.js';

/** What one flush attempt reports: `idle` (queue empty or sent), `retry` (transient failure). */
export type FlushOutcome = 'idle' | 'retry';

export interface FlushSchedulerOptions {
  clock: Clock;
  /** Runs one flush; never called twice at once. */
  flush: () => Promise<FlushOutcome>;
  /** Idle retry interval. */
  intervalMs: number;
  /** Coalescing delay after new events, so a burst goes out as one batch. */
  batchDelayMs: number;
  backoff: BackoffOptions;
  random?: () => number;
}

/**
 * Decides when the sender runs: soon after new events, on demand, every `intervalMs` when idle,
 * and after an exponentially growing, jittered delay while the collector keeps failing.
 */
export function createFlushScheduler(options: FlushSchedulerOptions) {
  const { clock } = options;
  let timer: unknown;
  let dueAt = Infinity;
  let failures = 0;
  let running: Promise<FlushOutcome> | undefined;
  let stopped = false;

  const plan = (delayMs: number) => {
    if (stopped || clock.now() + delayMs >= dueAt) return;
    clock.clearTimeout(timer);
    dueAt = clock.now() + delayMs;
    timer = clock.setTimeout(() => void run(), delayMs);
  };

  const run = async (): Promise<FlushOutcome> => {
    clock.clearTimeout(timer);
    dueAt = Infinity;
    if (running) return running;
    running = options.flush().catch((): FlushOutcome => 'retry');
    const outcome = await running;
    running = undefined;
    failures = outcome === 'retry' ? failures + 1 : 0;
    plan(failures ? backoffDelayMs(failures, options.backoff, options.random) : options.intervalMs);
    return outcome;
  };

  return {
    /** New events: flush after the batching delay (unless backing off). */
    soon: () => plan(failures ? Infinity : options.batchDelayMs),
    /** Flush right now (flush(), online); resets the backoff. */
    now: async () => {
      failures = 0;
      if (running) await running;
      return run();
    },
    stop: () => {
      stopped = true;
      clock.clearTimeout(timer);
    },
  };
}

export type FlushScheduler = ReturnType<typeof createFlushScheduler>;
