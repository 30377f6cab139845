import type { Clock, SessionChange, SessionSnapshot, StreamEvent } from '../sessions/types.js';
import { addSession, addVisitorEvents, emptyAggregate, mergeInto, visitorRunEnd, type Aggregate } from './aggregate.js';
import { coverRange, exactRange, type RangeCover, type TimeRange, type WindowRef } from './cover-range.js';
import { WindowPack } from './pack-window.js';
import { canDeferPages, DEFERRABLE_SIZES, PageSetBuild, partSize } from './deferred-pages.js';
import { visitorFingerprint } from './distinct-set.js';
import { MINUTE_SETS_BUDGET_BYTES, minutesFromForBudget } from './minute-budget.js';
import { windowSetBytes, type RollupMemory } from './rollup-memory.js';
import { RollupViews } from './rollup-views.js';
import { WindowJobs, type WindowJob, type WindowJobReport } from './window-jobs.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, WINDOW_SIZES_MS, windowStart, type WindowSizeMs } from './window-sizes.js';

export interface RollupsOptions {
  clock: Clock;
  /** How long windows of each size are kept. Defaults: minute 6 h, hour 40 days, day 800 days. */
  retentionMs?: Partial<Record<WindowSizeMs, number>>;
  /**
   * Event time from which the windows hold every event (default: the clock at construction, i.e.
   * nothing before this process started). `rebuild` sets it after loading stored events.
   */
  coveredFrom?: number;
  /** Background work on windows (page set builds, packing) runs in slices of about this long. Default 10 ms. */
  sliceMs?: number;
  /** Called when a page set build or a pack of a window is done (logs, measurements). */
  onWindowJob?: (report: WindowJobReport) => void;
  /** Bytes the minute windows' distinct sets may hold before the oldest are dropped early (default MINUTE_SETS_BUDGET_BYTES). */
  minuteSetsBudgetBytes?: number;
}

export interface RangeQuery extends RangeCover {
  /** Merge of the whole windows of the range; add the raw edges to it for exact stats. */
  aggregate: Aggregate;
}

/** Default hour-window retention (the collector keeps them as long as its rollups cover). */
export const HOUR_RETENTION_MS = 40 * DAY_MS;

/**
 * Minute windows serve the live feed (30 min), minute series (ranges up to 3 h, and their previous
 * period) and the edges of recent ranges; older edges are hours plus raw events (cached per hour).
 * They were kept 48 h: at 10M events a month that was ~100 MB of mostly tiny maps and sets.
 */
const MINUTE_RETENTION_MS = 6 * HOUR_MS;

/**
 * Windows this long past their end get their distinct sets packed (most of the rollups' memory:
 * ~4 bytes a member instead of ~10 plus a table per page and window). Events that late are rare
 * (offline queues); one unpacks just the set it touches. Minute windows soon after they close: at
 * 50k events/s each minute's sets take ~7 MB as tables, so 15 minutes of them were the largest part
 * of the rollups at high traffic (10M events from 1M visitors in ~4 min: 69 -> 50-55 MB 10 s after
 * the load). Hours and days wait longer: a late event unpacks a far larger set there.
 */
const PACK_AFTER_MS: Record<WindowSizeMs, number> = { [MINUTE_MS]: 2 * MINUTE_MS, [HOUR_MS]: 15 * MINUTE_MS, [DAY_MS]: 15 * MINUTE_MS };

const sameMinute = (a: StreamEvent, b: StreamEvent) => windowStart(a.ts, MINUTE_MS) === windowStart(b.ts, MINUTE_MS);

const DEFAULT_RETENTION: Record<WindowSizeMs, number> = { [MINUTE_MS]: MINUTE_RETENTION_MS, [HOUR_MS]: HOUR_RETENTION_MS, [DAY_MS]: 800 * DAY_MS };

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
  /** Minute windows before this were dropped early for the memory budget (see MINUTE_SETS_BUDGET_BYTES). */
  private minutesFromMs = -Infinity;
  private readonly minuteSetsBudget: number;
  private readonly sites = new Map<string, Map<WindowSizeMs, Map<number, Aggregate>>>();
  private lastPrune = -Infinity;
  private readonly views: RollupViews;
  private lastWindow: Partial<Record<WindowSizeMs, { site: string; start: number; window: Aggregate }>> = {};
  /** Called before a window changes while a snapshot is being captured (copy-on-write). */
  private beforeChange: ((window: Aggregate) => void) | null = null;
  /** Page set builds and packs, a slice at a time between turns of the event loop. */
  private readonly jobs: WindowJobs;

  constructor(options: RollupsOptions) {
    this.clock = options.clock;
    this.jobs = new WindowJobs({
      sliceMs: options.sliceMs,
      // A build changes its window (a pack only changes how its sets are held).
      beforeStep: (job) => {
        if (job.kind === 'build') this.beforeChange?.(job.window);
      },
      onDone: (report) => {
        this.afterJob(report.job);
        options.onWindowJob?.(report);
      },
    });
    this.retentionMs = { ...DEFAULT_RETENTION };
    for (const size of WINDOW_SIZES_MS) this.retentionMs[size] = options.retentionMs?.[size] ?? DEFAULT_RETENTION[size];
    this.covered = options.coveredFrom ?? this.clock();
    this.minuteSetsBudget = options.minuteSetsBudgetBytes ?? MINUTE_SETS_BUDGET_BYTES;
    this.views = new RollupViews(this, this.clock);
  }

  /** Event time from which the windows hold every stored event. */
  get coveredFrom(): number {
    return this.covered;
  }

  /** Minute windows before this were dropped early for memory (-Infinity: none); a snapshot keeps it. */
  get minutesFrom(): number {
    return this.minutesFromMs;
  }

  /** Earliest usable window start per size. */
  floors(): Record<WindowSizeMs, number> {
    const now = this.clock();
    const floor = (size: WindowSizeMs) =>
      Math.ceil(Math.max(this.covered, now - this.retentionMs[size]) / size) * size;
    return { [DAY_MS]: floor(DAY_MS), [HOUR_MS]: floor(HOUR_MS), [MINUTE_MS]: Math.max(floor(MINUTE_MS), this.minutesFromMs) };
  }

  /**
   * Adds stored (deduplicated) events, a run of one visitor's events in one minute at a time (the
   * minute's hour and day windows are the same for the whole run: windows are UTC-aligned).
   */
  addEvents(events: Iterable<StreamEvent>): void {
    const floors = this.floors();
    const list = Array.isArray(events) ? (events as StreamEvent[]) : [...events];
    for (let from = 0, to = 0; from < list.length; from = to) {
      to = visitorRunEnd(list, from, sameMinute);
      const first = list[from]!;
      const visitorFp = visitorFingerprint(first.visitor);
      for (const size of WINDOW_SIZES_MS) {
        const start = windowStart(first.ts, size);
        if (start >= floors[size]) addVisitorEvents(this.windowFor(first.site, size, start), list, from, to, visitorFp);
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

  /** See RollupViews.view: cached settled merges + fresh recent windows + the edges left. */
  view(site: string, from: number, to: number): ReturnType<RollupViews['view']> {
    return this.views.view(site, from, to);
  }

  /** See RollupViews.visitorView (series points). */
  visitorView(site: string, from: number, to: number): ReturnType<RollupViews['visitorView']> {
    return this.views.visitorView(site, from, to);
  }

  /**
   * The cover of [from, to) with its non-empty usable windows and their refs; `pages` false: the
   * caller reads no page visitor sets (deferred ones are then not built).
   */
  windowsWithRefs(site: string, from: number, to: number, pages = true): { cover: RangeCover; windows: Aggregate[]; refs: WindowRef[] } {
    const { cover, windows, refs } = this.cover(site, from, to);
    // Built at once only when no `pagesReady` ran before (or a window appeared since): see there.
    windows.forEach((window, i) => {
      if (pages && window.pageVisitorsDeferred) this.jobs.finishNow(window, () => this.pageBuild(site, refs[i]!, window));
    });
    return { cover, windows, refs };
  }

  /**
   * Resolves once the windows a read of [from, to) with pages (`view`, `query`) would use have their
   * page visitor sets: deferred ones are built in the background a slice at a time (joining builds
   * already under way, e.g. the one a prune started when the window closed). Await it before such a
   * read so the read does not build them in one piece (an hour of 10M pairs held the loop ~0.9 s).
   */
  async pagesReady(site: string, from: number, to: number): Promise<void> {
    const { windows, refs } = this.cover(site, from, to);
    const builds: Promise<void>[] = [];
    windows.forEach((window, i) => {
      if (window.pageVisitorsDeferred) builds.push(this.jobs.run(window, () => this.pageBuild(site, refs[i]!, window)));
    });
    await Promise.all(builds);
  }

  /** The raw edges of [from, to) (the part of `view` / `query` left to raw events), without reading any window. */
  edgesOf(site: string, from: number, to: number): TimeRange[] {
    return this.cover(site, from, to).cover.edges;
  }

  /** Resolves once no background build or pack is left (tests, measurements). */
  jobsIdle(): Promise<void> {
    return this.jobs.idle();
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

  /** Sites with windows, busiest first (pageviews of the current and the previous UTC day). */
  busiestSites(): string[] {
    const today = windowStart(this.clock(), DAY_MS);
    const load = (site: string) => (this.window(site, DAY_MS, today)?.pageviews ?? 0) + (this.window(site, DAY_MS, today - DAY_MS)?.pageviews ?? 0);
    return [...this.sites.keys()].map((site) => ({ site, n: load(site) })).sort((a, b) => b.n - a.n).map(({ site }) => site);
  }

  /** Every window (snapshots). */
  *entries(): Iterable<{ site: string; sizeMs: WindowSizeMs; start: number; window: Aggregate }> {
    for (const [site, bySize] of this.sites) {
      for (const [sizeMs, windows] of bySize) for (const [start, window] of windows) yield { site, sizeMs, start, window };
    }
  }

  /**
   * Replaces all windows (startup: a snapshot's, or none before a rebuild); windows before
   * `coveredFrom`, and minute windows before `minutesFrom` (the snapshot's `minutesFrom`), stay unusable.
   */
  restore(coveredFrom: number, entries: Iterable<{ site: string; sizeMs: WindowSizeMs; start: number; window: Aggregate }>, minutesFrom = -Infinity): void {
    this.jobs.cancelAll();
    this.sites.clear();
    this.views.clear();
    this.lastWindow = {};
    this.covered = coveredFrom;
    this.minutesFromMs = minutesFrom;
    for (const { site, sizeMs, start, window } of entries) {
      let bySize = this.sites.get(site);
      if (!bySize) this.sites.set(site, (bySize = new Map()));
      let windows = bySize.get(sizeMs);
      if (!windows) bySize.set(sizeMs, (windows = new Map()));
      windows.set(start, window);
    }
    // A window with pageviews and no page sets was saved deferred. The snapshot holds its parts (they
    // are kept longer than it stays deferred): deferred again, built by the prune below if settled or
    // if its parts fall out of retention now (they are still here, not pruned yet); if only closed, in the background.
    for (const size of DEFERRABLE_SIZES) {
      for (const [, bySize] of this.sites) {
        for (const window of bySize.get(size)?.values() ?? []) {
          if (window.pageviews > 0 && window.pageVisitors.size === 0) window.pageVisitorsDeferred = true;
        }
      }
    }
    this.prune('now');
  }

  /**
   * Calls `hook` with each window about to change (events, session changes), until the returned
   * function is called: lets a snapshot be encoded while events keep arriving (SnapshotCapture).
   * One watcher at a time; a newer one replaces the older.
   */
  watchChanges(hook: (window: Aggregate) => void): () => void {
    this.beforeChange = hook;
    return () => {
      if (this.beforeChange === hook) this.beforeChange = null;
    };
  }

  /** Bytes of the distinct sets by window size and of the cached merges (for scrapes: unchanged windows are not walked again). */
  memory(): RollupMemory {
    const bySize = { [MINUTE_MS]: 0, [HOUR_MS]: 0, [DAY_MS]: 0 };
    for (const { sizeMs, window } of this.entries()) bySize[sizeMs] += windowSetBytes(window);
    return { minuteSets: bySize[MINUTE_MS], hourSets: bySize[HOUR_MS], daySets: bySize[DAY_MS], mergeSets: this.views.setBytes(new Set()) };
  }

  /**
   * Drops windows that fell out of retention, builds the page sets of closed deferred hour and day
   * windows, and packs the distinct sets of settled ones. `'background'` (ticks while serving): builds
   * and packs go to the background, a slice at a time, except a build whose parts leave now (at once,
   * before they are dropped: a restart long after the snapshot). `'now'` (startup, before listening):
   * settled windows are built and packed at once, as a rebuild's memory bound needs.
   */
  prune(mode: 'background' | 'now' = 'background'): void {
    const now = this.clock();
    this.lastPrune = now;
    this.lastWindow = {};
    this.minutesFromMs = minutesFromForBudget(this.sites.values(), this.floors()[MINUTE_MS], now, this.minuteSetsBudget) ?? this.minutesFromMs;
    const floors = this.floors();
    const settled = (size: WindowSizeMs, start: number) => start + size <= now - PACK_AFTER_MS[size];
    // Built once closed (before anyone reads them), and at the latest before their parts are dropped.
    for (const size of DEFERRABLE_SIZES) {
      for (const [site, bySize] of this.sites) {
        for (const [start, window] of bySize.get(size) ?? []) {
          if (!window.pageVisitorsDeferred || start < floors[size]) continue;
          const build = () => this.pageBuild(site, { sizeMs: size, start }, window);
          if (start < floors[partSize(size)] || (mode === 'now' && settled(size, start))) this.jobs.finishNow(window, build);
          else if (start + size <= now) void this.jobs.run(window, build);
        }
      }
    }
    for (const [site, bySize] of this.sites) {
      for (const [size, windows] of bySize) {
        for (const [start, window] of windows) {
          if (start < floors[size]) windows.delete(start);
          // Packed again after a late event unpacked a set of it; a window still being built waits for its build.
          else if (settled(size, start) && !window.visitors.isPacked && !window.pageVisitorsDeferred) {
            this.pack(site, size, start, window, mode);
          }
        }
      }
    }
  }

  private maybePrune(): void {
    if (this.clock() - this.lastPrune >= MINUTE_MS) this.prune();
  }

  /** The window to change (created when absent); every change goes through here. */
  private windowFor(site: string, size: WindowSizeMs, start: number): Aggregate {
    // Consecutive events mostly hit the same windows: skip the three map lookups then.
    const cached = this.lastWindow[size];
    let window: Aggregate;
    if (cached && cached.site === site && cached.start === start) window = cached.window;
    else {
      window = this.lookupWindow(site, size, start);
      this.lastWindow[size] = { site, start, window };
    }
    this.beforeChange?.(window);
    return window;
  }

  private lookupWindow(site: string, size: WindowSizeMs, start: number): Aggregate {
    let bySize = this.sites.get(site);
    if (!bySize) this.sites.set(site, (bySize = new Map()));
    let windows = bySize.get(size);
    if (!windows) bySize.set(size, (windows = new Map()));
    let window = windows.get(start);
    if (!window) {
      windows.set(start, (window = emptyAggregate()));
      // Every event of an hour also lands in its minute windows, and of a day in its hours, so their
      // page visitor sets are the union of their parts': built once, when the window is first read
      // or settles, instead of three copies of every (page, visitor) pair while it fills.
      if (canDeferPages(size, start, this.floors(), this.retentionMs, PACK_AFTER_MS[size])) window.pageVisitorsDeferred = true;
    }
    return window;
  }

  /** Usable windows of the cover of [from, to) that have data, with their refs. */
  private cover(site: string, from: number, to: number): { cover: RangeCover; windows: Aggregate[]; refs: WindowRef[] } {
    const floors = this.floors();
    const minutes = this.sites.get(site)?.get(MINUTE_MS);
    const exact = exactRange(from, to, floors[MINUTE_MS], (start) => minutes?.get(start));
    const cover = coverRange(exact.from, exact.to, floors);
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

  private pageBuild(site: string, ref: WindowRef, window: Aggregate): PageSetBuild {
    return new PageSetBuild(window, site, ref.sizeMs, ref.start, (s, size, t) => this.window(s, size, t));
  }

  private pack(site: string, size: WindowSizeMs, start: number, window: Aggregate, mode: 'background' | 'now'): void {
    const pack = () => new WindowPack(window, site, size, start);
    if (mode === 'now') this.jobs.finishNow(window, pack);
    else void this.jobs.run(window, pack);
  }

  /**
   * A window built after it settled is packed now (in the background): e.g. one restored from a
   * snapshot, whose visitors set was packed as it was read, would otherwise keep its page sets as tables.
   */
  private afterJob(job: WindowJob): void {
    if (job.kind === 'build' && job.start + job.size <= this.clock() - PACK_AFTER_MS[job.size] && this.window(job.site, job.size, job.start) === job.window) {
      this.pack(job.site, job.size, job.start, job.window, 'background');
    }
  }
}
