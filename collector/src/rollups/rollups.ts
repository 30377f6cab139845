import type { Clock, SessionChange, SessionSnapshot, StreamEvent } from '../sessions/types.js';
import { addEvent, addSession, emptyAggregate, mergeInto, type Aggregate } from './aggregate.js';
import { coverRange, type RangeCover, type TimeRange, type WindowRef } from './cover-range.js';
import { DistinctSet, visitorFingerprint } from './distinct-set.js';
import { VersionedCache } from './versioned-cache.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, WINDOW_SIZES_MS, windowStart, type WindowSizeMs } from './window-sizes.js';

export interface RollupsOptions {
  clock: Clock;
  /** How long windows of each size are kept. Defaults: minute 48 h, hour 40 days, day 800 days. */
  retentionMs?: Partial<Record<WindowSizeMs, number>>;
  /**
   * Event time from which the windows hold every event (default: the clock at construction, i.e.
   * nothing before this process started). `rebuild` sets it after loading stored events.
   */
  coveredFrom?: number;
}

export interface RangeQuery extends RangeCover {
  /** Merge of the whole windows of the range; add the raw edges to it for exact stats. */
  aggregate: Aggregate;
}

const DEFAULT_RETENTION: Record<WindowSizeMs, number> = { [MINUTE_MS]: 2 * DAY_MS, [HOUR_MS]: 40 * DAY_MS, [DAY_MS]: 800 * DAY_MS };

/**
 * Tumbling windows (1 min, 1 h, 1 day; UTC-aligned) per site, updated in place by events (by event
 * time, so late events land in their own window) and by session changes (so merged or retracted
 * sessions are subtracted, never double counted). A window is usable when its start is at or after
 * `floors()[size]`: inside retention and after `coveredFrom`.
 */
export class Rollups {
  private readonly clock: Clock;
  private readonly retentionMs: Record<WindowSizeMs, number>;
  private covered: number;
  private readonly sites = new Map<string, Map<WindowSizeMs, Map<number, Aggregate>>>();
  private lastPrune = -Infinity;
  /** Merges of settled windows for `view` (a 30-day merge can weigh tens of MB: keep a few). */
  private readonly mergeCache = new VersionedCache<Aggregate>({ maxEntries: 4 });
  /** Visitor unions of settled windows for series points: ~4M members (~25 MB) in all. */
  private readonly unionCache = new VersionedCache<DistinctSet>({ maxWeight: 4_000_000, weigh: (set) => set.size });
  private lastWindow: Partial<Record<WindowSizeMs, { site: string; start: number; window: Aggregate }>> = {};

  constructor(options: RollupsOptions) {
    this.clock = options.clock;
    this.retentionMs = { ...DEFAULT_RETENTION };
    for (const size of WINDOW_SIZES_MS) this.retentionMs[size] = options.retentionMs?.[size] ?? DEFAULT_RETENTION[size];
    this.covered = options.coveredFrom ?? this.clock();
  }

  /** Event time from which the windows hold every stored event. */
  get coveredFrom(): number {
    return this.covered;
  }

  /** Earliest usable window start per size. */
  floors(): Record<WindowSizeMs, number> {
    const now = this.clock();
    const floor = (size: WindowSizeMs) =>
      Math.ceil(Math.max(this.covered, now - this.retentionMs[size]) / size) * size;
    return { [DAY_MS]: floor(DAY_MS), [HOUR_MS]: floor(HOUR_MS), [MINUTE_MS]: floor(MINUTE_MS) };
  }

  /** Adds stored (deduplicated) events. */
  addEvents(events: Iterable<StreamEvent>): void {
    const floors = this.floors();
    for (const event of events) {
      const visitorFp = visitorFingerprint(event.visitor);
      for (const size of WINDOW_SIZES_MS) {
        const start = windowStart(event.ts, size);
        if (start >= floors[size]) addEvent(this.windowFor(event.site, size, start), event, visitorFp);
      }
    }
    this.maybePrune();
  }

  /** Applies the sessionizer's changes: open adds, update moves, retract subtracts, close is final. */
  applySessionChanges(changes: Iterable<SessionChange>): void {
    const floors = this.floors();
    const apply = (session: SessionSnapshot, sign: 1 | -1) => {
      for (const size of WINDOW_SIZES_MS) {
        const start = windowStart(session.start, size);
        if (start >= floors[size]) addSession(this.windowFor(session.site, size, start), session, sign);
      }
    };
    for (const change of changes) {
      if (change.kind === 'open') apply(change.session, 1);
      else if (change.kind === 'update') {
        apply(change.previous, -1);
        apply(change.session, 1);
      } else if (change.kind === 'retract') apply(change.session, -1);
    }
  }

  /** One window, if it has data (an absent usable window means "nothing happened"). */
  window(site: string, sizeMs: WindowSizeMs, start: number): Aggregate | undefined {
    return this.sites.get(site)?.get(sizeMs)?.get(start);
  }

  /**
   * Whole usable windows covering [from, to) merged into one aggregate, plus the edges left for raw
   * events (see docs/stream.md: stats = aggregate + aggregateOf(raw edge events, sessions starting in edges)).
   */
  query(site: string, from: number, to: number): RangeQuery {
    const { cover, windows } = this.windowsIn(site, from, to);
    const aggregate = emptyAggregate();
    for (const window of windows) mergeInto(aggregate, window);
    return { ...cover, aggregate };
  }

  /**
   * [from, to) for stats without merging everything per request: `base` = the merge of the settled
   * windows (ended before the current hour), cached until one of them changes (read it, never
   * mutate it); `extra` = a fresh merge of the recent windows, to which the caller adds raw edges;
   * then `toStats(base, limit, extra)`.
   */
  view(site: string, from: number, to: number): { base: Aggregate; extra: Aggregate; edges: TimeRange[] } {
    const { key, settled, recent, edges } = this.split(site, from, to);
    const extra = emptyAggregate();
    for (const window of recent) mergeInto(extra, window);
    const base = this.mergeCache.get(key, settled, () => {
      const merged = emptyAggregate();
      for (const window of settled) mergeInto(merged, window);
      return merged;
    });
    return { base, extra, edges };
  }

  /**
   * Pageviews and visitors of [from, to) for series points: `base` = union of the settled windows'
   * visitors (cached like `view`, or the window's own set when there is one), `extra` = the recent
   * windows' visitors; callers add edge visitors to `extra` and count `base.unionSize(extra)`.
   */
  visitorView(site: string, from: number, to: number): { pageviews: number; base: DistinctSet; extra: DistinctSet; edges: TimeRange[] } {
    const { key, settled, recent, edges } = this.split(site, from, to);
    let pageviews = 0;
    for (const window of [...settled, ...recent]) pageviews += window.pageviews;
    const extra = new DistinctSet();
    for (const window of recent) extra.merge(window.visitors);
    const base = settled.length === 1 ? settled[0]!.visitors : this.unionCache.get(key, settled, () => {
      const union = new DistinctSet();
      for (const window of settled) union.merge(window.visitors);
      return union;
    });
    return { pageviews, base, extra, edges };
  }

  /** Windows of a range split into settled (ended before the current hour; with a cache key) and recent. */
  private split(site: string, from: number, to: number): { key: string; settled: Aggregate[]; recent: Aggregate[]; edges: TimeRange[] } {
    const { cover, windows, refs } = this.windowsWithRefs(site, from, to);
    const settledBefore = Math.floor(this.clock() / HOUR_MS) * HOUR_MS;
    const keyParts = [site];
    const settled: Aggregate[] = [];
    const recent: Aggregate[] = [];
    windows.forEach((window, i) => {
      const ref = refs[i]!;
      if (ref.start + ref.sizeMs > settledBefore) recent.push(window);
      else {
        settled.push(window);
        keyParts.push(`${ref.sizeMs}:${ref.start}`);
      }
    });
    return { key: keyParts.join(','), settled, recent, edges: cover.edges };
  }

  private windowsWithRefs(site: string, from: number, to: number): { cover: RangeCover; windows: Aggregate[]; refs: WindowRef[] } {
    const cover = coverRange(from, to, this.floors());
    const windows: Aggregate[] = [];
    const refs: WindowRef[] = [];
    for (const ref of cover.windows) {
      const window = this.window(site, ref.sizeMs, ref.start);
      if (window) {
        windows.push(window);
        refs.push(ref);
      }
    }
    return { cover, windows, refs };
  }

  /** The cover of [from, to) and its non-empty windows, unmerged (for cheap per-bucket counts). */
  windowsIn(site: string, from: number, to: number): { cover: RangeCover; windows: Aggregate[] } {
    const { cover, windows } = this.windowsWithRefs(site, from, to);
    return { cover, windows };
  }

  /**
   * Replaces all windows with ones built from stored data (startup): `events` with ts >= from and
   * the sessions of those events (e.g. `sessionsFromEvents(events)`); windows before `from` stay unusable.
   */
  rebuild(from: number, events: Iterable<StreamEvent>, sessions: Iterable<SessionSnapshot>): void {
    this.restore(from, []);
    this.addEvents(events);
    this.applySessionChanges([...sessions].map((session) => ({ kind: 'open' as const, session })));
  }

  /** Every window (snapshots). */
  *entries(): Iterable<{ site: string; sizeMs: WindowSizeMs; start: number; window: Aggregate }> {
    for (const [site, bySize] of this.sites) {
      for (const [sizeMs, windows] of bySize) for (const [start, window] of windows) yield { site, sizeMs, start, window };
    }
  }

  /** Replaces all windows (startup: a snapshot's, or none before a rebuild); windows before `coveredFrom` stay unusable. */
  restore(coveredFrom: number, entries: Iterable<{ site: string; sizeMs: WindowSizeMs; start: number; window: Aggregate }>): void {
    this.sites.clear();
    this.mergeCache.clear();
    this.unionCache.clear();
    this.lastWindow = {};
    this.covered = coveredFrom;
    for (const { site, sizeMs, start, window } of entries) {
      let bySize = this.sites.get(site);
      if (!bySize) this.sites.set(site, (bySize = new Map()));
      let windows = bySize.get(sizeMs);
      if (!windows) bySize.set(sizeMs, (windows = new Map()));
      windows.set(start, window);
    }
    this.prune();
  }

  /** Drops windows that fell out of retention. */
  prune(): void {
    this.lastPrune = this.clock();
    this.lastWindow = {};
    const floors = this.floors();
    for (const bySize of this.sites.values()) {
      for (const [size, windows] of bySize) {
        for (const start of windows.keys()) if (start < floors[size]) windows.delete(start);
      }
    }
  }

  private maybePrune(): void {
    if (this.clock() - this.lastPrune >= MINUTE_MS) this.prune();
  }

  private windowFor(site: string, size: WindowSizeMs, start: number): Aggregate {
    // Consecutive events mostly hit the same windows: skip the three map lookups then.
    const cached = this.lastWindow[size];
    if (cached && cached.site === site && cached.start === start) return cached.window;
    const window = this.lookupWindow(site, size, start);
    this.lastWindow[size] = { site, start, window };
    return window;
  }

  private lookupWindow(site: string, size: WindowSizeMs, start: number): Aggregate {
    let bySize = this.sites.get(site);
    if (!bySize) this.sites.set(site, (bySize = new Map()));
    let windows = bySize.get(size);
    if (!windows) bySize.set(size, (windows = new Map()));
    let window = windows.get(start);
    if (!window) windows.set(start, (window = emptyAggregate()));
    return window;
  }
}
