import type { Clock } from '../../../sdk/src/pipeline/clock.js';

/** A manual clock: timers run only when `advance()` passes their due time. */
export function fakeClock(start = 1_795_000_000_000) {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  const clock: Clock & { advance(ms: number): Promise<void>; pending(): number[] } = {
    now: () => now,
    setTimeout(run, delayMs) {
      const id = nextId++;
      timers.set(id, { at: now + delayMs, run });
      return id;
    },
    clearTimeout: (id) => void timers.delete(id as number),
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].run();
        for (let i = 0; i < 20; i++) await Promise.resolve();
      }
      now = end;
    },
    pending: () => [...timers.values()].map((timer) => timer.at - now),
  };
  return clock;
}
