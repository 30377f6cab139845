/** Ingest limits (documented in docs/storage.md); each breach is a 4xx with a reason. */
export const LIMITS = {
  /** Request body, bytes, compressed or not (413 above). */
  maxBodyBytes: 1024 * 1024,
  /** Decompressed beacon, bytes (413 above). */
  maxInflatedBytes: 4 * 1024 * 1024,
  // The string, event and prop limits equal the beacon's (wisp/beacon BEACON_LIMITS), so anything
  // the SDK can encode passes here too.
  maxEventsPerBatch: 1000,
  maxIdLength: 128,
  maxUrlLength: 8192,
  maxNameLength: 8192,
  maxProps: 64,
  maxPropKeyLength: 8192,
  maxPropValueLength: 8192,
  maxSiteLength: 253,
  /** Corrected event time may be at most this far ahead of the server clock. */
  maxFutureMs: 5 * 60 * 1000,
  /** ... and at most this old (the SDK queue's maximum age). */
  maxAgeMs: 7 * 24 * 60 * 60 * 1000,
} as const;

/** A well-formed site id: a hostname-like token (letters, digits, dot, dash, underscore). */
export const SITE_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** Vital names of the contract. */
export const VITAL_NAMES: ReadonlySet<string> = new Set(['LCP', 'INP', 'CLS', 'FCP', 'TTFB']);
