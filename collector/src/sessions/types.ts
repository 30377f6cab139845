/**
 * Input of the stream stages: one stored, anonymized event. The collector's own stored-event type
 * maps onto it field by field (see docs/stream.md, "Wiring"): `visitor` is the SipHash visitor hash as a
 * string, `ts` the skew-corrected event time in epoch ms, `path` the scrubbed URL path.
 */
export interface StreamEvent {
  site: string;
  /** Visitor hash (hex or decimal string); unique per site and salt day. */
  visitor: string;
  /** Event id, unique per site (dedup key). */
  id: string;
  type: StreamEventType;
  path: string;
  /** Event time, epoch ms, corrected for client clock skew. */
  ts: number;
  /** Custom event name, vital name or error message; null/undefined for pageviews. */
  name?: string | null;
  props?: Record<string, string | number | boolean>;
  /** Source domain ('' or undefined = direct). */
  referrer?: string;
  utmSource?: string;
  utmMedium?: string;
  utmCampaign?: string;
  country?: string;
  browser?: string;
  os?: string;
  device?: string;
  /** Server clock at arrival, epoch ms (for processing-latency metrics only). */
  receivedAt?: number;
}

export type StreamEventType = 'pageview' | 'event' | 'vital' | 'error';

/** One session as the sessionizer currently sees it (immutable snapshot). */
export interface SessionSnapshot {
  site: string;
  visitor: string;
  /** Event time of the first event, epoch ms. Part of the session key. */
  start: number;
  /** Event time of the last event, epoch ms. */
  end: number;
  /** Path of the first pageview (ties: smallest path), null when the session has no pageview. */
  entry: string | null;
  /** Path of the last pageview (ties: largest path), null when the session has no pageview. */
  exit: string | null;
  pageviews: number;
  /** Custom (`event`) events. */
  events: number;
  /** end - start. */
  durationMs: number;
  /** Exactly one pageview and no custom event. */
  bounce: boolean;
}

/**
 * A change to the set of sessions. Consumers keeping aggregates apply:
 * open: add(session); update: subtract(previous) then add(session); retract: subtract(session);
 * close: nothing to aggregate (the session is final and has left the sessionizer's memory).
 */
export type SessionChange =
  | { kind: 'open'; session: SessionSnapshot }
  | { kind: 'update'; session: SessionSnapshot; previous: SessionSnapshot }
  | { kind: 'retract'; session: SessionSnapshot }
  | { kind: 'close'; session: SessionSnapshot };

/** Injected clock (epoch ms). */
export type Clock = () => number;

/** Storage key of a session: stable while its start does not move. */
export function sessionKey(session: Pick<SessionSnapshot, 'site' | 'visitor' | 'start'>): string {
  return `${session.site}|${session.visitor}|${session.start}`;
}
