/**
 * One event as it travels from the SDK to the collector: the same shape as an entry of
 * `POST /api/events` in the contract, so both ingest routes share one validator downstream.
 */
export interface WireEvent {
  /** Unique per event, assigned at capture and kept through every retry (dedup key). */
  id: string;
  type: EventType;
  /** Page URL, already scrubbed of PII by the SDK (the collector scrubs again). */
  url: string;
  /** Referrer URL or empty string. */
  referrer: string;
  /** When it happened, client clock, epoch ms. */
  ts: number;
  /** Custom event name, vital name (LCP/INP/CLS/FCP/TTFB) or error message; null for pageviews. */
  name: string | null;
  /** Flat properties; vitals carry `value`. */
  props: Record<string, string | number | boolean>;
}

export type EventType = 'pageview' | 'event' | 'vital' | 'error';

/** A batch as it leaves the device: `sentAt` (client clock) lets the collector correct skew. */
export interface WireBatch {
  site: string;
  sentAt: number;
  events: WireEvent[];
  /** Events the SDK's bounded queue had to drop since the last batch (reported, never silent). */
  dropped?: number;
}
