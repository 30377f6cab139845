import { tempDir } from './temp-dir.js';

/** A real desktop Chrome UA: counted (headless and empty UAs are bots). */
export const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

export interface TestEvent {
  id: string;
  type: 'pageview' | 'event' | 'vital' | 'error';
  url: string;
  referrer: string;
  ts: number;
  name: string | null;
  props: Record<string, string | number | boolean>;
}

let counter = 0;

/** A pageview with a fresh id; override any field. */
export function event(overrides: Partial<TestEvent> = {}): TestEvent {
  counter++;
  return {
    id: `evt-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    type: 'pageview',
    url: 'https://example.com/',
    referrer: '',
    ts: Date.now(),
    name: null,
    props: {},
    ...overrides,
  };
}

export interface PostOptions {
  userAgent?: string;
  /** Sent as X-Forwarded-For (the collector must run with trustProxy). */
  ip?: string;
  route?: '/api/events' | '/api/e';
  headers?: Record<string, string>;
}

/** POST a body to an ingest route; returns status, headers and parsed JSON. */
export async function post(baseUrl: string, body: unknown, options: PostOptions = {}) {
  const bytes = body instanceof Uint8Array ? body : typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${baseUrl}${options.route ?? '/api/events'}`, {
    method: 'POST',
    headers: {
      'user-agent': options.userAgent ?? CHROME_UA,
      ...(options.ip ? { 'x-forwarded-for': options.ip } : {}),
      ...options.headers,
    },
    body: bytes as BodyInit,
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: leave empty
  }
  return { status: response.status, headers: response.headers, json };
}

/** POST one batch for `site` with `sentAt` = now unless given. */
export function postBatch(baseUrl: string, site: string, events: TestEvent[], options: PostOptions & { sentAt?: number } = {}) {
  return post(baseUrl, { site, sentAt: options.sentAt ?? Date.now(), events }, options);
}

/** GET /api/stats with the token. */
export async function getStats(baseUrl: string, token: string, params: Record<string, string | number>) {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const response = await fetch(`${baseUrl}/api/stats?${query}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

/** A new data dir, removed when the test run ends. */
export function tempDataDir(): string {
  return tempDir('wisp-test-');
}
