import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { StoredEvent } from './store.js';

/** Called with every group of newly stored events (sessionizer, rollups, live feed). */
export type StoredListener = (events: readonly StoredEvent[]) => void;

/**
 * Hands committed groups to the listeners right after the group's answers are written, in commit
 * order. The stream stages cost about as much as the rest of ingest, and running them before the
 * answers made every request of the group wait for them. `setImmediate` runs in the same event-loop
 * turn as the commit's completion, before the loop polls for new requests again, so a request sent
 * after an answer (a dashboard asking for stats) still sees that answer's events.
 */
export class ListenerQueue {
  private readonly groups: (readonly StoredEvent[])[] = [];
  private idle: Promise<void> = Promise.resolve();
  private markIdle: (() => void) | undefined;

  /** `listeners` is read at every group, so listeners added later are called too. */
  constructor(
    private readonly listeners: readonly StoredListener[],
    private readonly metrics: CollectorMetrics,
  ) {}

  push(rows: readonly StoredEvent[]): void {
    if (rows.length === 0 || this.listeners.length === 0) return;
    this.groups.push(rows);
    if (this.groups.length > 1) return;
    this.idle = new Promise((resolve) => (this.markIdle = resolve));
    setImmediate(() => this.run());
  }

  /** Resolves once every group pushed so far reached the listeners (shutdown, before the stream's last snapshot). */
  settled(): Promise<void> {
    return this.idle;
  }

  private run(): void {
    // Groups pushed while these run (none: listeners are synchronous) would join the same turn.
    for (let rows = this.groups.shift(); rows !== undefined; rows = this.groups.shift()) {
      for (const listener of this.listeners) {
        // The rows are durable and answered already, so a failing listener must not stop the others.
        try {
          listener(rows);
        } catch (error) {
          this.metrics.errors.inc({ kind: 'listener' });
          console.error(`wisp-collector: stored-events listener failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    this.markIdle?.();
  }
}
