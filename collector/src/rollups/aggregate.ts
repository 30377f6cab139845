import type { SessionSnapshot, StreamEvent } from '../sessions/types.js';
import { DistinctSet, visitorFingerprint } from './distinct-set.js';
import { QuantileSketch } from './quantile-sketch.js';

/** Count per key, plus distinct visitors per key where the contract needs them (pages). */
export type Counts = Map<string, number>;

/**
 * Everything one window (or one raw range) contributes to stats. All parts merge exactly:
 * counts add, distinct sets union, quantile sketches add buckets.
 * Event-level parts count events by their time; session-level parts (sessions, bounces, duration,
 * entry/exit pages) count each session once, in the window holding its start.
 */
export interface Aggregate {
  /** Bumped by every change, so cached merges can tell they are stale. */
  version: number;
  pageviews: number;
  /** Custom (`event`) events. */
  events: number;
  /** `error` events. */
  errors: number;
  /** Distinct visitor hashes over all event types. */
  visitors: DistinctSet;
  sessions: number;
  bounces: number;
  durationMs: number;
  pages: Counts;
  pageVisitors: Map<string, DistinctSet>;
  /** Hour and day windows: `pageVisitors` not kept yet, built from their minute / hour windows when first read or settled (see Rollups). */
  pageVisitorsDeferred?: boolean;
  /**
   * Deferred, and a build is filling `pageVisitors` a slice at a time (PageSetBuild): events add their
   * pairs to it as well, so none arriving meanwhile is missed. Not complete before the build clears both flags.
   */
  pageVisitorsBuilding?: boolean;
  entryPages: Counts;
  exitPages: Counts;
  /** Pageviews per source domain, UTM value, country, browser, OS, device (empty values skipped). */
  referrers: Counts;
  utmSources: Counts;
  utmMediums: Counts;
  utmCampaigns: Counts;
  countries: Counts;
  browsers: Counts;
  os: Counts;
  devices: Counts;
  /** Custom events by name, and by `name \0 prop \0 value`. */
  customEvents: Counts;
  eventProps: Counts;
  /** Error events by message. */
  errorMessages: Counts;
  /** Web-vitals values by metric name (LCP, INP, CLS, FCP, TTFB). */
  vitals: Map<string, QuantileSketch>;
  /**
   * Cached merges that include this window: every change is applied to them too (all parts are
   * additive), so a merge stays exact without being rebuilt (see MergeCache).
   */
  followers?: Aggregate[];
  /** Cached visitor unions that include this window's visitors (series points). */
  visitorFollowers?: DistinctSet[];
  /**
   * Earliest and latest event time added (Infinity / -Infinity: none). Unknown (-Infinity /
   * Infinity) for windows restored from a snapshot. A range whose edge falls inside a window with
   * no event on the far side of the edge can use the whole window (see exactRange in cover-range.ts).
   */
  minTs: number;
  maxTs: number;
}

export function emptyAggregate(): Aggregate {
  return {
    version: 0, pageviews: 0, events: 0, errors: 0, visitors: new DistinctSet(), sessions: 0, bounces: 0, durationMs: 0,
    pages: new Map(), pageVisitors: new Map(), entryPages: new Map(), exitPages: new Map(), referrers: new Map(),
    utmSources: new Map(), utmMediums: new Map(), utmCampaigns: new Map(), countries: new Map(), browsers: new Map(),
    os: new Map(), devices: new Map(), customEvents: new Map(), eventProps: new Map(), errorMessages: new Map(),
    vitals: new Map(), minTs: Infinity, maxTs: -Infinity,
  };
}

export function bump(counts: Counts, key: string, by = 1): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}

/**
 * Where the run of events starting at `from` ends: the events after it of the same site and visitor
 * (and, with `sameWindow`, in the same window), as one request's batch arrives.
 */
export function visitorRunEnd(events: readonly StreamEvent[], from: number, sameWindow?: (a: StreamEvent, b: StreamEvent) => boolean): number {
  const first = events[from]!;
  let end = from + 1;
  while (end < events.length) {
    const next = events[end]!;
    if (next.visitor !== first.visitor || next.site !== first.site || (sameWindow && !sameWindow(first, next))) break;
    end++;
  }
  return end;
}

/** The part of `addVisitorEvents` for custom events, errors and vitals (no visitor, no followers). */
function addOtherEvent(agg: Aggregate, event: StreamEvent): void {
  switch (event.type) {
    case 'event': {
      agg.events++;
      const name = event.name ?? '';
      bump(agg.customEvents, name);
      for (const [prop, value] of Object.entries(event.props ?? {})) bump(agg.eventProps, `${name}\u0000${prop}\u0000${String(value)}`);
      break;
    }
    case 'error':
      agg.errors++;
      bump(agg.errorMessages, event.name ?? '');
      break;
    case 'vital': {
      const value = event.props?.['value'];
      if (typeof value !== 'number' || !Number.isFinite(value)) break;
      const name = event.name ?? '';
      let sketch = agg.vitals.get(name);
      if (!sketch) agg.vitals.set(name, (sketch = new QuantileSketch()));
      sketch.add(value);
      break;
    }
  }
}

/**
 * Counts a run of equal values with one map update: `see` each value in turn, then `flush`.
 * Empty means direct / unknown: not a row (as in the store's SQL breakdowns).
 */
class RunCounter {
  private value: string | undefined = undefined;
  private run = 0;

  constructor(private readonly counts: Counts) {}

  see(value: string | undefined): void {
    if (value !== this.value) {
      this.flush();
      this.value = value;
    }
    this.run++;
  }

  flush(): void {
    if (this.run > 0 && this.value) bump(this.counts, this.value, this.run);
    this.run = 0;
  }
}

/**
 * Adds `events[from, to)`, all of one visitor (`visitorFp`) and one window: one visitor insert and,
 * per breakdown field, one count update per run of equal values instead of one per event. A
 * request's events share the visitor, the client's country, browser, OS and device and mostly the
 * referrer, so this saves most of the rollups' map updates per event.
 */
export function addVisitorEvents(agg: Aggregate, events: readonly StreamEvent[], from: number, to: number, visitorFp: number): void {
  if (agg.followers) for (const follower of agg.followers) addVisitorEvents(follower, events, from, to, visitorFp);
  if (agg.visitorFollowers) for (const union of agg.visitorFollowers) union.addFingerprint(visitorFp);
  agg.version++;
  agg.visitors.addFingerprint(visitorFp);
  const referrers = new RunCounter(agg.referrers);
  const utmSources = new RunCounter(agg.utmSources);
  const utmMediums = new RunCounter(agg.utmMediums);
  const utmCampaigns = new RunCounter(agg.utmCampaigns);
  const countries = new RunCounter(agg.countries);
  const browsers = new RunCounter(agg.browsers);
  const os = new RunCounter(agg.os);
  const devices = new RunCounter(agg.devices);
  for (let i = from; i < to; i++) {
    const event = events[i]!;
    if (event.ts < agg.minTs) agg.minTs = event.ts;
    if (event.ts > agg.maxTs) agg.maxTs = event.ts;
    if (event.type !== 'pageview') {
      addOtherEvent(agg, event);
      continue;
    }
    agg.pageviews++;
    bump(agg.pages, event.path);
    if (!agg.pageVisitorsDeferred || agg.pageVisitorsBuilding) {
      let pageVisitors = agg.pageVisitors.get(event.path);
      if (!pageVisitors) agg.pageVisitors.set(event.path, (pageVisitors = new DistinctSet()));
      pageVisitors.addFingerprint(visitorFp);
    }
    referrers.see(event.referrer);
    utmSources.see(event.utmSource);
    utmMediums.see(event.utmMedium);
    utmCampaigns.see(event.utmCampaign);
    countries.see(event.country);
    browsers.see(event.browser);
    os.see(event.os);
    devices.see(event.device);
  }
  for (const counter of [referrers, utmSources, utmMediums, utmCampaigns, countries, browsers, os, devices]) counter.flush();
}

/** Adds (sign 1) or removes (sign -1) one session's contribution. */
export function addSession(agg: Aggregate, session: SessionSnapshot, sign: 1 | -1): void {
  if (agg.followers) for (const follower of agg.followers) addSession(follower, session, sign);
  agg.version++;
  agg.sessions += sign;
  if (session.bounce) agg.bounces += sign;
  agg.durationMs += sign * session.durationMs;
  if (session.entry !== null) bump(agg.entryPages, session.entry, sign);
  if (session.exit !== null) bump(agg.exitPages, session.exit, sign);
}

/** Folds `source` into `target` (source unchanged); `pages` false: not its page visitor sets. */
export function mergeInto(target: Aggregate, source: Aggregate, pages = true): void {
  target.version++;
  target.minTs = Math.min(target.minTs, source.minTs);
  target.maxTs = Math.max(target.maxTs, source.maxTs);
  target.pageviews += source.pageviews;
  target.events += source.events;
  target.errors += source.errors;
  target.visitors.merge(source.visitors);
  target.sessions += source.sessions;
  target.bounces += source.bounces;
  target.durationMs += source.durationMs;
  for (const key of COUNT_KEYS) for (const [k, n] of source[key]) bump(target[key], k, n);
  if (pages) mergePageVisitors(target, source);
  for (const [name, sketch] of source.vitals) {
    let into = target.vitals.get(name);
    if (!into) target.vitals.set(name, (into = new QuantileSketch(sketch.relativeAccuracy)));
    into.merge(sketch);
  }
}

function mergePageVisitors(target: Aggregate, source: Aggregate): void {
  for (const [page, set] of source.pageVisitors) {
    let into = target.pageVisitors.get(page);
    if (!into) target.pageVisitors.set(page, (into = new DistinctSet()));
    into.merge(set);
  }
}

/** An independent copy of `agg`'s data (not its followers): sets copied table by table, not re-inserted. */
export function cloneAggregate(agg: Aggregate): Aggregate {
  const copy = emptyAggregate();
  copy.pageviews = agg.pageviews;
  copy.events = agg.events;
  copy.errors = agg.errors;
  copy.visitors = agg.visitors.clone();
  copy.sessions = agg.sessions;
  copy.bounces = agg.bounces;
  copy.durationMs = agg.durationMs;
  copy.minTs = agg.minTs;
  copy.maxTs = agg.maxTs;
  for (const key of COUNT_KEYS) copy[key] = new Map(agg[key]);
  for (const [page, set] of agg.pageVisitors) copy.pageVisitors.set(page, set.clone());
  for (const [name, sketch] of agg.vitals) copy.vitals.set(name, sketch.clone());
  return copy;
}

/** The `Counts` fields of an Aggregate. */
export const COUNT_KEYS = [
  'pages', 'entryPages', 'exitPages', 'referrers', 'utmSources', 'utmMediums', 'utmCampaigns', 'countries',
  'browsers', 'os', 'devices', 'customEvents', 'eventProps', 'errorMessages',
] as const;

/**
 * Aggregate of raw events and sessions (for range edges): pass the events with ts in the edge and
 * the sessions whose start is in the edge.
 */
export function aggregateOf(events: Iterable<StreamEvent>, sessions: Iterable<SessionSnapshot> = []): Aggregate {
  const agg = emptyAggregate();
  const list = Array.isArray(events) ? (events as StreamEvent[]) : [...events];
  for (let from = 0, to = 0; from < list.length; from = to) {
    to = visitorRunEnd(list, from);
    addVisitorEvents(agg, list, from, to, visitorFingerprint(list[from]!.visitor));
  }
  for (const session of sessions) addSession(agg, session, 1);
  return agg;
}
