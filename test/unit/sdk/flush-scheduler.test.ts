import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../../sdk/src/pipeline/backoff.js';
import { createFlushScheduler } from '../../../sdk/src/pipeline/flush-scheduler.js';
import type { FlushOutcome } from '../../../sdk/src/pipeline/flush-scheduler.js';
import { fakeClock } from './fake-clock.js';

const backoff = { baseMs: 1_000, maxMs: 60_000 };

describe('backoffDelayMs', () => {
  it('doubles from the base up to the ceiling, with equal jitter in [half, full]', () => {
    expect([1, 2, 3, 4, 10].map((attempt) => backoffDelayMs(attempt, backoff, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000, 60_000]);
    expect([1, 2, 3, 4, 10].map((attempt) => backoffDelayMs(attempt, backoff, () => 0))).toEqual([500, 1_000, 2_000, 4_000, 30_000]);
    expect(backoffDelayMs(30, backoff, () => 0.5)).toBe(45_000);
  });
});

describe('createFlushScheduler (injected clock)', () => {
  function setup(outcomes: FlushOutcome[]) {
    const clock = fakeClock();
    const runs: number[] = [];
    const scheduler = createFlushScheduler({
      clock,
      flush: async () => {
        runs.push(clock.now());
        return outcomes.shift() ?? 'idle';
      },
      intervalMs: 15_000,
      batchDelayMs: 200,
      backoff,
      random: () => 1,
    });
    return { clock, runs, scheduler, start: clock.now() };
  }

  it('coalesces a burst of new events into one flush after the batching delay', async () => {
    const { clock, runs, scheduler, start } = setup([]);
    for (let i = 0; i < 50; i++) scheduler.soon();
    await clock.advance(199);
    expect(runs).toEqual([]);
    await clock.advance(1);
    expect(runs).toEqual([start + 200]);
  });

  it('retries with exponential backoff while the collector fails, then returns to the interval', async () => {
    const { clock, runs, scheduler, start } = setup(['retry', 'retry', 'retry', 'idle']);
    await scheduler.now();
    await clock.advance(1_000 + 2_000 + 4_000);
    expect(runs.map((at) => at - start)).toEqual([0, 1_000, 3_000, 7_000]);
    await clock.advance(15_000);
    expect(runs.map((at) => at - start)).toEqual([0, 1_000, 3_000, 7_000, 22_000]);
  });

  it('new events do not cut a backoff short; now() (online, flush()) does', async () => {
    const { clock, runs, scheduler, start } = setup(['retry', 'retry', 'idle']);
    await scheduler.now();
    scheduler.soon();
    await clock.advance(500);
    expect(runs).toHaveLength(1);
    await scheduler.now(); // fails again: backoff restarts at attempt 1
    expect(runs.map((at) => at - start)).toEqual([0, 500]);
    await clock.advance(1_000);
    expect(runs.map((at) => at - start)).toEqual([0, 500, 1_500]);
  });

  it('never runs two flushes at once and stops for good', async () => {
    const clock = fakeClock();
    let active = 0;
    let maxActive = 0;
    let release: () => void = () => {};
    const scheduler = createFlushScheduler({
      clock,
      flush: async () => {
        maxActive = Math.max(maxActive, ++active);
        await new Promise<void>((resolve) => (release = resolve));
        active--;
        return 'idle';
      },
      intervalMs: 1_000,
      batchDelayMs: 10,
      backoff,
    });
    const first = scheduler.now();
    const second = scheduler.now();
    release();
    await first;
    release();
    await second;
    expect(maxActive).toBe(1);
    scheduler.stop();
    expect(clock.pending()).toEqual([]);
  });
});
