import { diffSessions, sameSession } from './diff-sessions.js';
import { fingerprint53 } from './fingerprint.js';
import { SeenIds } from './seen-ids.js';
import { VisitorIndex } from './visitor-index.js';
import { NO_SLOT, SessionPool } from './session-pool.js';
import { SESSION_GAP_MS, sessionsFromEvents } from './sessions-from-events.js';
import { absorbNext, addEventToSlot, slotSnapshot } from './session-slots.js';
import type { Clock, SessionChange, SessionSnapshot, StreamEvent } from './types.js';
import { FREED_SLOT, visitorsLastSeenIn } from './visitors-last-seen.js';

export interface SessionizerOptions {
  /** Event-time "now" source, epoch ms (injected so tests are deterministic). */
  clock: Clock;
  /** Session timeout in event time. Default 30 min. */
  gapMs?: number;
  /** How far behind the clock events may arrive and still be handled in memory. Default 10 min. */
  allowedLatenessMs?: number;
  /** `ingest` runs `flush` at most this often. Default 1 s. */
  flushIntervalMs?: number;
}

export interface IngestResult {
  /** Net session changes of the batch (coalesced per session), then closes from the flush. */
  changes: SessionChange[];
  /**
   * Events older than the watermark: they may touch sessions already flushed from memory, so the
   * caller reconciles them against the store with `reconcile` (see docs/stream.md).
   */
  late: StreamEvent[];
  /** Events skipped because `recover` or `reconcile` already put their (site, id) into sessions. */
  duplicates: number;
}

/**
 * Streaming sessionizer in event time. State per active visitor: its open sessions (sorted list in a
 * typed-array pool). Watermark = clock() - allowedLatenessMs; a session whose end + gap is behind
 * the watermark can no longer change and is closed and dropped. Events behind the watermark are
 * returned as `late`. Result equals `sessionsFromEvents` over everything ingested (property-tested).
 * `ingest` takes each stored event once (the collector dedupes before the store); an event that
 * `recover` or `reconcile` already took from the store is skipped when it comes again.
 */
export class Sessionizer {
  readonly gapMs: number;
  readonly allowedLatenessMs: number;
  private readonly clock: Clock;
  private readonly flushIntervalMs: number;
  private readonly pool = new SessionPool();
  private readonly visitors = new VisitorIndex((slot, visitor) => this.pool.isVisitor(slot, visitor));
  /**
   * Ids of the events `recover` and `reconcile` put into sessions, while inside the lateness horizon.
   * Only those can come to `ingest` a second time: a store read for a late event's visitors sees
   * events already stored whose groups the stream stages have not processed yet. Events reaching
   * `ingest` otherwise are unique (the collector's dedupe runs before the store), so the live path
   * keeps no id per event (it used to: ~13 bytes per event of the last 20-40 minutes, 130 MB at 10M).
   */
  private readonly restored = new SeenIds();
  private lastFlush = -Infinity;
  /** Slot -> snapshot before this batch (null: opened in this batch); null when not tracking. */
  private touched: Map<number, SessionSnapshot | null> | null = null;
  private freed: number[] = [];

  constructor(options: SessionizerOptions) {
    this.clock = options.clock;
    this.gapMs = options.gapMs ?? SESSION_GAP_MS;
    this.allowedLatenessMs = options.allowedLatenessMs ?? 10 * 60_000;
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
  }

  watermark(): number {
    return this.clock() - this.allowedLatenessMs;
  }

  get activeVisitors(): number {
    return this.visitors.size;
  }

  get activeSessions(): number {
    return this.pool.used;
  }

  /** Bytes held (for /metrics): the session slots and the visitor index, and the restored ids. */
  memory(): { sessions: number; seenIds: number } {
    const sessions = this.pool.byteLength + this.visitors.byteLength;
    return { sessions, seenIds: this.restored.byteLength };
  }

  ingest(events: Iterable<StreamEvent>): IngestResult {
    const watermark = this.watermark();
    const late: StreamEvent[] = [];
    let duplicates = 0;
    this.touched = new Map();
    for (const event of events) {
      if (event.ts < watermark) late.push(event);
      else if (!this.restored.isEmpty && this.restored.has(event.site, event.id, event.ts)) duplicates++;
      else this.insert(event);
    }
    const changes = this.emitTouched();
    if (this.clock() - this.lastFlush >= this.flushIntervalMs) changes.push(...this.flush());
    return { changes, late, duplicates };
  }

  /** Closes and forgets sessions that can no longer change; returns their `close` changes. */
  flush(): SessionChange[] {
    const watermark = this.watermark();
    this.lastFlush = this.clock();
    this.restored.prune(watermark);
    const closed: SessionChange[] = [];
    this.visitors.forEach((site, fp, head) => this.dropFinal(site, fp, head, watermark, closed));
    return closed;
  }

  /**
   * Rebuilds the state of every visitor present in `events` from those events (all of each visitor's
   * stored events, e.g. after a restart), without emitting: their sessions were emitted before.
   * Sessions already behind the watermark are not kept. Returns the number of active visitors.
   */
  recover(events: Iterable<StreamEvent>): number {
    const list = [...events];
    const watermark = this.watermark();
    for (const event of list) this.dropVisitor(event.site, event.visitor);
    this.touched = null;
    const ids = new Set<string>();
    for (const event of list) {
      const id = `${event.site}\u0000${event.id}`;
      if (ids.has(id)) continue;
      ids.add(id);
      if (event.ts >= watermark) this.restored.add(event.site, event.id, event.ts);
      this.insert(event);
    }
    // Sessions already final were emitted (and closed) before: drop them quietly.
    for (const { site, visitor } of list) {
      const fp = fingerprint53(visitor);
      this.dropFinal(site, fp, this.visitors.get(site, fp, visitor), watermark, null);
    }
    return this.visitors.size;
  }

  /**
   * Applies late events of some visitors: `stored` = all stored events of those visitors (with or
   * without the late ones). Returns the exact changes from the sessions emitted so far (those of
   * `stored` minus `late`) to the sessions with them, and resets those visitors' state to match.
   */
  reconcile(stored: StreamEvent[], late: StreamEvent[]): SessionChange[] {
    const lateIds = new Set(late.map((e) => `${e.site}\u0000${e.id}`));
    const before = sessionsFromEvents(stored.filter((e) => !lateIds.has(`${e.site}\u0000${e.id}`)), this.gapMs);
    const all = [...stored, ...late];
    const changes = diffSessions(before, sessionsFromEvents(all, this.gapMs));
    this.recover(all);
    return changes;
  }

  /**
   * Distinct visitors of `site` whose latest event time is in (after, until] (the live feed's
   * "current visitors"). Exact while `after` >= watermark(): a session ending after it is never
   * dropped, and only events behind it wait for `reconcile` before they are held.
   */
  visitorsLastSeen(site: string, after: number, until: number): number {
    return visitorsLastSeenIn(this.pool, site, after, until);
  }

  /** Open sessions of one visitor (for tests and debugging). */
  sessionsOf(site: string, visitor: string): SessionSnapshot[] {
    const out: SessionSnapshot[] = [];
    for (let slot = this.visitors.get(site, fingerprint53(visitor), visitor); slot !== NO_SLOT; slot = this.pool.next[slot]!) {
      out.push(this.snapshot(slot));
    }
    return out;
  }

  private insert(event: StreamEvent): void {
    const pool = this.pool;
    const ts = event.ts;
    let prev = NO_SLOT;
    const fp = fingerprint53(event.visitor);
    const head = this.visitors.get(event.site, fp, event.visitor);
    let cur = head;
    while (cur !== NO_SLOT && pool.endOf(cur) + this.gapMs < ts) {
      prev = cur;
      cur = pool.next[cur]!;
    }
    if (cur === NO_SLOT || pool.start[cur]! - this.gapMs > ts) {
      const slot = pool.alloc(event.site, event.visitor, ts);
      this.touched?.set(slot, null);
      pool.next[slot] = cur;
      if (prev !== NO_SLOT) pool.next[prev] = slot;
      else if (head === NO_SLOT) this.visitors.add(event.site, fp, slot);
      else this.visitors.replace(event.site, fp, head, slot);
      cur = slot;
    } else {
      this.touch(cur);
      const next = pool.next[cur]!;
      if (next !== NO_SLOT && pool.start[next]! - this.gapMs <= ts) this.mergeNext(cur, next);
    }
    addEventToSlot(pool, cur, event);
  }

  /** Folds session `next` into `slot` (a late event bridged the gap between them). */
  private mergeNext(slot: number, next: number): void {
    this.touch(next);
    absorbNext(this.pool, slot, next);
    if (this.touched) {
      this.freed.push(next);
      this.pool.next[next] = FREED_SLOT;
    } else this.release(next);
  }

  private touch(slot: number): void {
    if (this.touched && !this.touched.has(slot)) this.touched.set(slot, this.snapshot(slot));
  }

  private emitTouched(): SessionChange[] {
    const changes: SessionChange[] = [];
    const freed = new Set(this.freed);
    for (const [slot, previous] of this.touched ?? []) {
      if (freed.has(slot)) {
        if (previous) changes.push({ kind: 'retract', session: previous });
        continue;
      }
      const session = this.snapshot(slot);
      if (!previous) changes.push({ kind: 'open', session });
      else if (!sameSession(previous, session)) changes.push({ kind: 'update', session, previous });
    }
    for (const slot of this.freed) this.release(slot);
    this.freed = [];
    this.touched = null;
    return changes;
  }

  /** Frees a visitor's sessions that the watermark made final (reporting `close` into `closed` if given). */
  private dropFinal(site: string, fp: number, head: number, watermark: number, closed: SessionChange[] | null): void {
    if (head === NO_SLOT) return;
    let slot = head;
    while (slot !== NO_SLOT && this.pool.endOf(slot) + this.gapMs < watermark) {
      closed?.push({ kind: 'close', session: this.snapshot(slot) });
      const next = this.pool.next[slot]!;
      this.release(slot);
      slot = next;
    }
    if (slot === NO_SLOT) this.visitors.remove(site, fp, head);
    else if (slot !== head) this.visitors.replace(site, fp, head, slot);
  }

  private dropVisitor(site: string, visitor: string): void {
    const fp = fingerprint53(visitor);
    const head = this.visitors.get(site, fp, visitor);
    if (head === NO_SLOT) return;
    for (let slot = head; slot !== NO_SLOT; ) {
      const next = this.pool.next[slot]!;
      this.release(slot);
      slot = next;
    }
    this.visitors.remove(site, fp, head);
  }

  /** Frees a slot, marked so that `visitorsLastSeen` skips it. */
  private release(slot: number): void {
    this.pool.release(slot);
    this.pool.next[slot] = FREED_SLOT;
  }

  private snapshot(slot: number): SessionSnapshot {
    return slotSnapshot(this.pool, slot);
  }
}
