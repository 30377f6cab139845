import type { WireEvent } from '../beacon/wire-event.js';

/**
 * The persist stage: pending events, oldest first, bounded by count and age. Implemented over
 * IndexedDB (`idb-queue.ts`) and in memory (`memory-queue.ts`, private modes without IndexedDB).
 */
export interface EventQueue {
  /** Whether events survive the page (IndexedDB) or not (memory). */
  readonly persistent: boolean;
  /** Stores events (idempotent by id), then drops the oldest beyond `maxEvents`, counting them. */
  put(events: WireEvent[]): Promise<void>;
  /** Up to `limit` oldest events; events older than `maxAgeMs` are dropped (and counted) first. */
  peek(limit: number): Promise<WireEvent[]>;
  /** Removes delivered (or rejected) events. */
  remove(ids: string[]): Promise<void>;
  count(): Promise<number>;
  /** Events dropped by the bounds and not yet reported to the collector. */
  dropped(): Promise<number>;
  /** Adds to the dropped counter (refused batches), or subtracts what a delivered batch reported (floor 0). */
  addDropped(delta: number): Promise<void>;
  clear(): Promise<void>;
  close(): void;
}

export interface QueueBounds {
  maxEvents: number;
  maxAgeMs: number;
  now: () => number;
}
