/** Options of `init()`. Only `site` and `endpoint` are required. */
export interface WispOptions {
  /** Site id, as the collector knows it (e.g. `example.com`). */
  site: string;
  /** Beacon URL, e.g. `https://stats.example.com/api/e`. */
  endpoint: string;
  /** Where the lazily loaded parts (`wisp-bridge.js`, `wisp-worker.js`, `wisp-vitals.js`) live. Default: the endpoint's origin + `/sdk/`. */
  sdkUrl?: string;
  /** Track pageviews automatically, SPA navigations included. Default `true`. */
  autoPageviews?: boolean;
  /** Count `#/route` changes as pageviews. Default `false`. */
  hashRouting?: boolean;
  /** Query parameters kept in URLs (`*` suffix = prefix). Default: `utm_*`, `ref`, `source`, `via`, `campaign`, `page`. */
  allowParams?: string[];
  /** Honour Global Privacy Control and Do Not Track (then nothing is collected). Default `true`. */
  respectPrivacySignals?: boolean;
  /** Core Web Vitals (LCP, INP, CLS, FCP, TTFB), loaded lazily. Default `true`. */
  vitals?: boolean;
  /** Uncaught errors and unhandled rejections as `error` events, at most 10 per page. Default `true`. */
  errors?: boolean;
  /** Clicks on links to other hosts as `Outbound Link: Click` events. Default `false`. */
  outboundLinks?: boolean;
  /** Clicks on file links as `File Download` events. Default `false`. */
  fileDownloads?: boolean;
  /** Run the pipeline in a Web Worker (falls back to the main thread when that fails). Default `true`. */
  worker?: boolean;
  /** Queue bound: events kept while the collector is unreachable (oldest dropped first). Default 1,000. */
  maxQueuedEvents?: number;
  /** Queue bound: events older than this are dropped. Default and maximum 7 days (the collector refuses older events). */
  maxEventAgeMs?: number;
  /** How often the queue is retried when idle, before backoff. Default 15,000 ms. */
  flushIntervalMs?: number;
  /** Console warnings for misuse and delivery problems. Default `false`. */
  debug?: boolean;
}

export type PropValue = string | number | boolean;
export type Props = Record<string, PropValue>;

/** The client returned by `init()` (and exposed as `window.wisp` by wisp.min.js). */
export interface Wisp {
  /** A custom event. Invalid names or props are dropped with a warning in debug mode. */
  track(name: string, props?: Props): void;
  /** A pageview of `url` (default: the current location). */
  pageview(url?: string): void;
  /** Sends what is queued now; resolves with what was sent and what is still queued. */
  flush(): Promise<{ sent: number; queued: number }>;
  /** Stops collecting on this device and drops the queue; remembered as a flag, no identifier. */
  optOut(): void;
  /** Undoes `optOut()`. */
  optIn(): void;
  /** Removes every listener and history patch, stops the worker. */
  destroy(): void;
}
