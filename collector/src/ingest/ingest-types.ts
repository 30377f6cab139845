/** Event types of the contract. */
export const EVENT_TYPES = ['pageview', 'event', 'vital', 'error'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type Props = Record<string, string | number | boolean>;

/** An event that passed validation; `ts` is already corrected for the batch's clock skew. */
export interface ValidEvent {
  id: string;
  type: EventType;
  url: string;
  referrer: string;
  ts: number;
  name: string | null;
  props: Props;
}

export interface ValidBatch {
  site: string;
  events: ValidEvent[];
}

/** Who sent a batch, as the HTTP layer saw it: used by anonymize, then forgotten. */
export interface Sender {
  ip: string;
  userAgent: string;
  /** Server clock at arrival, epoch ms (picks the visitor salt and the dedupe bucket). */
  receivedAt: number;
}
