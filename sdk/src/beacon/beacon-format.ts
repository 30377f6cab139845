import type { EventType } from './wire-event.js';

/** Current beacon format version (byte 1 of every beacon). See docs/beacon.md. */
export const BEACON_VERSION = 1;

/** Byte 0 of every beacon: ASCII `W`. Lets the collector tell a beacon from gzip (1f 8b) or JSON. */
export const BEACON_MAGIC = 0x57;

/** Hard limits, checked by the encoder and the decoder alike (a beacon the SDK cannot send is a bug). */
export const BEACON_LIMITS = {
  /** Events per beacon. */
  maxEvents: 1000,
  /** Distinct strings per beacon. */
  maxStrings: 8192,
  /** Bytes of one UTF-8 string (URLs, names, prop values). */
  maxStringBytes: 8192,
  /** Props per event. */
  maxProps: 64,
  /** Bytes of a whole uncompressed beacon. */
  maxBeaconBytes: 1 << 20,
} as const;

/** Event type codes (low 2 bits of the event header byte). */
export const EVENT_TYPES: readonly EventType[] = ['pageview', 'event', 'vital', 'error'];

/** Event header bits above the type. */
export const enum HeaderBit {
  /** The id is 12 base64url characters stored as 9 raw bytes. */
  CompactId = 1 << 2,
  HasReferrer = 1 << 3,
  HasName = 1 << 4,
  HasProps = 1 << 5,
}

/** Prop value tags (low 3 bits of a prop's first varint; the key's string index is above). */
export const enum ValueTag {
  String = 0,
  False = 1,
  True = 2,
  Int = 3,
  Float = 4,
}
