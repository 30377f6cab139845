import type { StreamEvent } from '../sessions/types.js';
import { MINUTE_MS, windowStart } from './window-sizes.js';

export interface RecentEventsOptions {
  /** Events older than this (event time, behind the clock) are dropped. Default 2 h. */
  maxAgeMs?: number;
  /**
   * At most this many events kept; the oldest minutes leave first. Default 200,000: an event object
   * is ~300 bytes, so ~60 MB at most (500,000 was ~150 MB, a third of the collector's budget, under
   * heavy ingest). It still holds the current minute up to ~3,300 events/s; busier sites read their
   * `now` edge from the store.
   */
  maxEvents?: number;
}

/**
 * The stored events of the last minutes by event time, per minute and site, so that the raw edges of
 * a stats range near `now` come from memory instead of the store. Complete for event times at or
 * after `completeFrom`: the caller seeds it with every stored event since then (startup) and adds
 * every newly stored event; pruning moves `completeFrom` forward.
 */
export class RecentEvents {
  private readonly minutes = new Map<number, Map<string, StreamEvent[]>>();
  private count = 0;
  private readonly maxAgeMs: number;
  private readonly maxEvents: number;

  constructor(public completeFrom: number, options: RecentEventsOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 2 * 3_600_000;
    this.maxEvents = options.maxEvents ?? 200_000;
  }

  get size(): number {
    return this.count;
  }

  /** Adds newly stored events (ones before `completeFrom` are ignored). */
  add(events: Iterable<StreamEvent>): void {
    for (const event of events) {
      if (event.ts < this.completeFrom) continue;
      const minute = windowStart(event.ts, MINUTE_MS);
      let bySite = this.minutes.get(minute);
      if (!bySite) this.minutes.set(minute, (bySite = new Map()));
      const list = bySite.get(event.site);
      if (list) list.push(event);
      else bySite.set(event.site, [event]);
      this.count++;
    }
    if (this.count > this.maxEvents) this.prune(-Infinity);
  }

  /** True when every stored event of [from, to) is here. */
  covers(from: number): boolean {
    return from >= this.completeFrom;
  }

  /** Events of `site` with from <= ts < to (only meaningful when `covers(from)`). */
  eventsIn(site: string, from: number, to: number): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (let minute = windowStart(from, MINUTE_MS); minute < to; minute += MINUTE_MS) {
      for (const event of this.minutes.get(minute)?.get(site) ?? []) if (event.ts >= from && event.ts < to) out.push(event);
    }
    return out;
  }

  /** Drops minutes older than maxAgeMs before `now`, then the oldest ones while over maxEvents. */
  prune(now: number): void {
    const keep = windowStart(now - this.maxAgeMs, MINUTE_MS);
    const starts = [...this.minutes.keys()].sort((a, b) => a - b);
    for (const start of starts) {
      if (start >= keep && this.count <= this.maxEvents) break;
      for (const list of this.minutes.get(start)!.values()) this.count -= list.length;
      this.minutes.delete(start);
      this.completeFrom = Math.max(this.completeFrom, start + MINUTE_MS);
    }
    this.completeFrom = Math.max(this.completeFrom, keep);
  }
}
