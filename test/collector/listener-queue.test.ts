import { describe, expect, test } from 'vitest';
import { createCollectorMetrics } from '../../collector/src/metrics/collector-metrics.js';
import { ListenerQueue, type StoredListener } from '../../collector/src/store/listener-queue.js';
import type { StoredEvent } from '../../collector/src/store/store.js';

const rows = (n: number) => [{ ts: n } as StoredEvent];

describe('ListenerQueue', () => {
  test('groups reach every listener after the pushing code has moved on, in push order', async () => {
    const seen: string[] = [];
    const listeners: StoredListener[] = [(events) => seen.push(`a${events[0]!.ts}`)];
    const queue = new ListenerQueue(listeners, createCollectorMetrics());
    listeners.push((events) => seen.push(`b${events[0]!.ts}`)); // added later: still called
    queue.push(rows(1));
    queue.push(rows(2));
    seen.push('answered'); // what the commit does right after pushing: write the answers
    await Promise.resolve();
    expect(seen).toEqual(['answered']); // not in a microtask either: answers are written first
    await queue.settled();
    expect(seen).toEqual(['answered', 'a1', 'b1', 'a2', 'b2']);
    queue.push(rows(3));
    await queue.settled();
    expect(seen.slice(-2)).toEqual(['a3', 'b3']);
  });

  test('a failing listener is counted and does not keep the others from a group', async () => {
    const metrics = createCollectorMetrics();
    const seen: number[] = [];
    const errors: unknown[] = [];
    const originalError = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const queue = new ListenerQueue([() => { throw new Error('boom'); }, (events) => seen.push(events[0]!.ts)], metrics);
      queue.push(rows(7));
      await queue.settled();
    } finally {
      console.error = originalError;
    }
    expect(seen).toEqual([7]);
    expect(errors).toHaveLength(1);
    expect((await metrics.errors.get()).values.find((v) => v.labels.kind === 'listener')?.value).toBe(1);
  });

  test('settled() resolves at once when nothing is queued', async () => {
    const queue = new ListenerQueue([], createCollectorMetrics());
    queue.push(rows(1)); // no listeners: nothing to run
    await expect(Promise.race([queue.settled().then(() => 'settled'), new Promise((r) => setTimeout(() => r('timeout'), 50))])).resolves.toBe('settled');
  });
});
