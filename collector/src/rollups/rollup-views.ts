import type { Clock } from '../sessions/types.js';
import { cloneAggregate, emptyAggregate, mergeInto, type Aggregate } from './aggregate.js';
import type { RangeCover, TimeRange, WindowRef } from './cover-range.js';
import { DistinctSet } from './distinct-set.js';
import { MergeCache } from './merge-cache.js';
import { aggregateSetBytes } from './rollup-memory.js';
import { DAY_MS, HOUR_MS } from './window-sizes.js';

/** What the views read from `Rollups`: a range's usable non-empty windows. */
export interface WindowSource {
  windowsWithRefs(site: string, from: number, to: number, pages?: boolean): { cover: RangeCover; windows: Aggregate[]; refs: WindowRef[] };
}

/** Members of the distinct sets in a merge (its memory weight). */
function members(agg: Aggregate): number {
  let n = agg.visitors.size;
  for (const set of agg.pageVisitors.values()) n += set.size;
  return n;
}

/** Visitors of the windows counted with repeats (an upper bound of their union, to reserve room for it). */
function visitorsIn(windows: Aggregate[]): number {
  return windows.reduce((n, window) => n + window.visitors.size, 0);
}

function mergeAll(windows: Aggregate[]): Aggregate {
  const merged = emptyAggregate();
  for (const window of windows) mergeInto(merged, window);
  return merged;
}

function without<T>(list: T[] | undefined, item: T): void {
  const i = list?.indexOf(item) ?? -1;
  if (i >= 0) list!.splice(i, 1);
}

/**
 * Stats of a range without merging everything per request. Windows ended before the current hour
 * are *settled*: their merge is cached (rebuilt when the range's windows change, i.e. hourly, from
 * a cached copy of the day windows' merge, which changes daily), and kept exact in place by late
 * changes (MergeCache); windows of the current hour are merged per request.
 */
export class RollupViews {
  /** A 30-day merge of a busy site can weigh tens of MB (7M set members at 10M events): ~32M members at most. */
  private readonly merges = new MergeCache<Aggregate>({
    maxEntries: 16, maxWeight: 32_000_000, weigh: members,
    follow: (window, merge) => (window.followers ??= []).push(merge),
    unfollow: (window, merge) => without(window.followers, merge),
  });
  /** Visitor unions of settled windows for series points: ~4M members (~25 MB) in all. */
  private readonly unions = new MergeCache<DistinctSet>({
    maxWeight: 4_000_000, weigh: (set) => set.size,
    follow: (window, union) => (window.visitorFollowers ??= []).push(union),
    unfollow: (window, union) => without(window.visitorFollowers, union),
  });

  /** Pages of a cached settled merge whose sets already hold its end windows' (see `completePage`). */
  private readonly completedPages = new WeakMap<Aggregate, Set<string>>();

  constructor(private readonly source: WindowSource, private readonly clock: Clock) {}

  /**
   * [from, to): `parts` = the settled windows' cached merge, or the one settled window (read it, never
   * mutate it); `extra` = a fresh merge of the recent windows without their page visitor sets, to which
   * the caller adds raw edges; `pageParts` = the recent windows, for their page visitor sets;
   * `completePage` (with a cached merge) = call it with each listed page before reading its sets; then
   * `toStats(parts[0], limit, [...rest, extra], pageParts, completePage)`. Merging the recent windows'
   * page sets took ~0.9 s on every "today" while an hour of 10M (page, visitor) pairs filled; stats
   * need the visitors of the top pages only, which toStats unites from the windows' sets of just those pages.
   */
  view(site: string, from: number, to: number): {
    parts: Aggregate[]; extra: Aggregate; pageParts: Aggregate[]; edges: TimeRange[]; completePage?: (page: string) => void;
  } {
    const { settled, recent, edges } = this.split(site, from, to);
    const extra = emptyAggregate();
    extra.visitors.reserve(visitorsIn(recent));
    for (const window of recent) mergeInto(extra, window, false);
    const { days, ends } = settled;
    const windows = [...days.windows, ...ends.windows];
    if (windows.length <= 1) return { parts: windows, extra, pageParts: recent, edges };
    // The settled merge changes every hour (its ends move); it starts from a copy of the days' merge,
    // which changes once a day: an hour's rebuild is a memcpy plus a few dozen small windows. The ends'
    // page sets stay out of it (a busy hour among the ends, 10M pairs, made that rebuild hold the loop
    // ~0.46 s once an hour); a listed page's are united into it when first asked (`completePage`).
    const merge = this.merges.get(`all,${site},${days.key}|${ends.key}`, windows, () => {
      const base = days.windows.length > 1 ? this.merges.get(`days,${site},${days.key}`, days.windows, () => mergeAll(days.windows)) : days.windows[0];
      const merged = base ? cloneAggregate(base) : emptyAggregate();
      for (const window of ends.windows) mergeInto(merged, window, false);
      return merged;
    });
    return { parts: [merge], extra, pageParts: recent, edges, completePage: (page) => this.completePage(merge, ends.windows, page) };
  }

  /**
   * Unites the settled end windows' sets of `page` into the cached merge's, once per merge and page:
   * the merge follows those windows, so their later pairs reach it anyway. Read per request instead,
   * the ends' sets (~2 x 23 hours of them in "30 days") cost every 30-day stats ~25 ms at 10M events.
   * Only listed pages are united, so a busy hour among the ends costs its top pages' pairs, once.
   */
  private completePage(merge: Aggregate, ends: Aggregate[], page: string): void {
    let done = this.completedPages.get(merge);
    if (!done) this.completedPages.set(merge, (done = new Set()));
    if (done.has(page)) return;
    done.add(page);
    const sets = ends.map((window) => window.pageVisitors.get(page)).filter((set): set is DistinctSet => set !== undefined && set.size > 0);
    if (sets.length === 0) return;
    sets.sort((a, b) => b.size - a.size);
    const into = merge.pageVisitors.get(page);
    // A page the days' merge lacks starts as a copy of its largest set (a packed one is shared, not
    // copied: a busy hour among the ends costs nothing more then). Not reserved for the sum of the
    // sets' sizes: their members repeat (the same visitors hour after hour), and the set stays cached.
    if (into) into.merge(sets[0]!);
    else merge.pageVisitors.set(page, sets[0]!.clone());
    for (const set of sets.slice(1)) merge.pageVisitors.get(page)!.merge(set);
  }

  /**
   * Pageviews and visitors of [from, to) for series points: `base` = union of the settled windows'
   * visitors (cached, or the window's own set when there is one), `extra` = the recent windows'
   * visitors; callers add edge visitors to `extra` and count `base.unionSize(extra)`.
   */
  visitorView(site: string, from: number, to: number): { pageviews: number; base: DistinctSet; extra: DistinctSet; edges: TimeRange[] } {
    const { settled, recent, edges } = this.split(site, from, to, false);
    const windows = [...settled.days.windows, ...settled.ends.windows];
    let pageviews = 0;
    for (const window of [...windows, ...recent]) pageviews += window.pageviews;
    const extra = new DistinctSet();
    extra.reserve(visitorsIn(recent));
    for (const window of recent) extra.merge(window.visitors);
    const key = `${site},${settled.days.key},${settled.ends.key}`;
    const base = windows.length === 1 ? windows[0]!.visitors : this.unions.get(key, windows, () => {
      const union = new DistinctSet();
      for (const window of windows) union.merge(window.visitors);
      return union;
    });
    return { pageviews, base, extra, edges };
  }

  /** Bytes of the cached merges' and unions' distinct sets. */
  setBytes(counted: Set<Uint32Array>): number {
    let bytes = 0;
    for (const merge of this.merges.values()) bytes += aggregateSetBytes(merge, counted);
    for (const union of this.unions.values()) bytes += union.byteLength(counted);
    return bytes;
  }

  clear(): void {
    this.merges.clear();
    this.unions.clear();
  }

  /** Windows of a range: settled ones (ended before the current hour) by days / the rest, with cache keys; recent ones. */
  private split(site: string, from: number, to: number, pages = true) {
    const { cover, windows, refs } = this.source.windowsWithRefs(site, from, to, pages);
    const settledBefore = Math.floor(this.clock() / HOUR_MS) * HOUR_MS;
    const days = { key: '', windows: [] as Aggregate[] };
    const ends = { key: '', windows: [] as Aggregate[] };
    const recent: Aggregate[] = [];
    windows.forEach((window, i) => {
      const ref = refs[i]!;
      if (ref.start + ref.sizeMs > settledBefore) recent.push(window);
      else {
        const group = ref.sizeMs === DAY_MS ? days : ends;
        group.windows.push(window);
        group.key += `${ref.sizeMs}:${ref.start};`;
      }
    });
    return { settled: { days, ends }, recent, edges: cover.edges };
  }
}
