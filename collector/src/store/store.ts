import type { EventType } from '../ingest/ingest-types.js';
import type { Stats, StatsQuery } from '../stats/stats-types.js';

/**
 * One anonymous event as stored: no IP, no User-Agent, no event id, no query string. What the
 * pipeline hands to the store after dedupe, and to listeners (sessionizer, rollups) after commit.
 */
export interface StoredEvent {
  site: string;
  /** XXH64 of `site NUL id`: the dedupe key (the id itself is not kept). */
  idHash: bigint;
  type: EventType;
  /** Event time, client clock corrected for skew, epoch ms. */
  ts: number;
  /** Server clock at arrival, epoch ms. */
  receivedAt: number;
  /** SipHash-2-4(salt of the arrival day, site|IP|UA). */
  visitor: bigint;
  /** Scrubbed path of the page, without query or fragment. */
  path: string;
  /** Custom event name, vital name or error message (scrubbed); null for pageviews. */
  name: string | null;
  /** A vital's value; null otherwise. */
  value: number | null;
  /** Scrubbed props as JSON (`{}` when none). */
  props: string;
  /** Referrer host, or '' when direct / own site. */
  source: string;
  utmSource: string;
  utmMedium: string;
  utmCampaign: string;
  /** ISO 3166-1 alpha-2, or '' when unknown. */
  country: string;
  browser: string;
  os: string;
  /** desktop, mobile, tablet, ... */
  device: string;
}

/** A dedupe key with its arrival time, as scanned back from the store at start. */
export interface IdHashRow {
  idHash: bigint;
  receivedAt: number;
}

/**
 * Where events live. The embedded DuckDB store implements it; a ClickHouse store can too: appends
 * are whole batches, reads are one aggregate query and a scan of recent dedupe keys.
 */
export interface Store {
  /**
   * Appends the events in one write; resolves only once they are durable (survive kill -9). Up to
   * `maxConcurrentAppends` calls may be in flight at once (default 1: one call at a time).
   */
  append(events: readonly StoredEvent[]): Promise<void>;
  readonly maxConcurrentAppends?: number;
  /** Dedupe keys of events received at or after `sinceMs`, in chunks (rebuilds the dedupe index). */
  scanIdHashes(sinceMs: number): AsyncIterable<readonly IdHashRow[]>;
  /** Events of `site` with from <= ts < to (raw edges of rollup-answered stats). */
  eventsInRange(site: string, from: number, to: number): Promise<StoredEvent[]>;
  /** Every stored event of these visitors of `site`, any event time (late-event reconciliation). */
  eventsOfVisitors(site: string, visitors: readonly bigint[]): Promise<StoredEvent[]>;
  /** Every event of every site with ts >= sinceMs (rollups and sessions rebuilt at start). */
  eventsSince(sinceMs: number): Promise<StoredEvent[]>;
  /**
   * Every event of every site with from <= `by` < to (`ts`: rollups rebuilt a day at a time;
   * `receivedAt`: events stored after a rollup snapshot). Optional: without it the stream stages
   * rebuild from `eventsSince` and keep no snapshot.
   */
  eventsBetween?(by: 'ts' | 'receivedAt', from: number, to: number): Promise<StoredEvent[]>;
  /**
   * Events of `site` with readFrom <= ts < readTo, of the visitors that have an event with
   * edgeFrom <= ts < edgeTo (the sessions starting in a raw edge, without every other visitor's
   * events around it). Optional: without it edges read every event around them.
   */
  eventsOfEdgeVisitors?(site: string, edge: { from: number; to: number }, read: { from: number; to: number }): Promise<StoredEvent[]>;
  /** The number of rows `eventsOfEdgeVisitors` would return (a stats request checks it before holding them). */
  countEventsOfEdgeVisitors?(site: string, edge: { from: number; to: number }, read: { from: number; to: number }): Promise<number>;
  /** The `GET /api/stats` body for a site and range. */
  stats(query: StatsQuery): Promise<Stats>;
  /** Bytes the store's engine holds in this process (DuckDB's buffer manager), for `/metrics`. */
  memoryBytes?(): Promise<number>;
  /** Flushes and closes; the store is unusable afterwards. */
  close(): Promise<void>;
}
