import type { StreamEvent } from '../sessions/types.js';
import { MINUTE_MS, windowStart } from './window-sizes.js';

export interface RecentEventsOptions {
  /** Events older than this (event time, behind the clock) are dropped. Default 2 h. */
  maxAgeMs?: number;
  /**
   * At most this many events kept; the oldest minutes leave first. Default 50,000: an event held
   * here is ~600 bytes with its strings and props (measured: 200,000 of them were ~116 MB of old
   * generation), so ~30 MB at most. It holds a whole minute up to ~830 events/s; busier sites read
   * their raw edges from the store, which is what this cache spares small sites (a few ms each).
   */
  maxEvents?: number;
}

/** Where a paused RecentEvents stands: the newest event minute seen, and how many events of it were offered. */
interface Paused {
  minute: number;
  offered: number;
  /** Newest event time dropped (held ones before the pause included): completeness resumes after it. */
  droppedUntil: number;
}

/**
 * The stored events of the last minutes by event time, per minute and site, so that the raw edges of
 * a stats range near `now` come from memory instead of the store. Complete for event times at or
 * after `completeFrom`: the caller seeds it with every stored event since then (startup) and adds
 * every newly stored event; pruning moves `completeFrom` forward.
 *
 * A minute that alone is over `maxEvents` pauses it: it drops everything and holds nothing (covers
 * nothing) until an event minute whose events would fit (half the cap) has passed. Before, it filled
 * up again in the next minute and dropped it all once more. Events held for seconds are moved to
 * V8's old generation and die there, and such a burst of survivors also made V8 allocate every later
 * event there (pretenuring, now off: collector/bin/v8-flags.js). Together that was most of what the
 * collector promoted under load (50k events/s: 145 MB in 15 s, 29 MB without this cache) and why its
 * heap, and RSS, swung by ~250 MB between full GCs.
 */
export class RecentEvents {
  private readonly minutes = new Map<number, Map<string, StreamEvent[]>>();
  private count = 0;
  private readonly maxAgeMs: number;
  private readonly maxEvents: number;
  /** Newest event time held. */
  private newestTs = -Infinity;
  private paused: Paused | null = null;

  constructor(public completeFrom: number, options: RecentEventsOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 2 * 3_600_000;
    this.maxEvents = options.maxEvents ?? 50_000;
  }

  get size(): number {
    return this.count;
  }

  /** Adds newly stored events (ones before `completeFrom` are ignored). */
  add(events: Iterable<StreamEvent>): void {
    for (const event of events) {
      if (this.paused && !this.offerWhilePaused(event)) continue;
      if (event.ts < this.completeFrom) continue;
      if (event.ts > this.newestTs) this.newestTs = event.ts;
      const minute = windowStart(event.ts, MINUTE_MS);
      let bySite = this.minutes.get(minute);
      if (!bySite) this.minutes.set(minute, (bySite = new Map()));
      const list = bySite.get(event.site);
      if (list) list.push(event);
      else bySite.set(event.site, [event]);
      this.count++;
    }
    if (this.count > this.maxEvents) {
      this.prune(-Infinity);
      if (this.minutes.size === 0) this.pause();
    }
  }

  /** Whether the events are held or skipped while paused (see the class comment). */
  get isPaused(): boolean {
    return this.paused !== null;
  }

  private pause(): void {
    this.paused = { minute: windowStart(this.newestTs, MINUTE_MS), offered: 0, droppedUntil: this.newestTs };
    this.completeFrom = Infinity;
  }

  /** Counts an event offered while paused; true when it resumes holding events (from this one on). */
  private offerWhilePaused(event: StreamEvent): boolean {
    const paused = this.paused!;
    const minute = windowStart(event.ts, MINUTE_MS);
    if (minute > paused.minute) {
      if (paused.offered <= this.maxEvents / 2) {
        this.paused = null;
        this.completeFrom = paused.droppedUntil + 1;
        return true;
      }
      paused.minute = minute;
      paused.offered = 0;
    }
    paused.offered++;
    if (event.ts > paused.droppedUntil) paused.droppedUntil = event.ts;
    return false;
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
