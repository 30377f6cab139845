import UAParser from 'ua-parser-js';

/** What is kept of a User-Agent. */
export interface Client {
  browser: string;
  os: string;
  /** desktop, mobile, tablet, console, smarttv, wearable, embedded */
  device: string;
}

const cache = new Map<string, Client>();
const CACHE_SIZE = 2000;

/**
 * Browser, OS and device class from a User-Agent with ua-parser-js 1.x (MIT; 2.x is AGPL).
 * Parsing costs tens of microseconds and real traffic repeats UAs, so results are cached (bounded,
 * in memory only).
 */
export function parseUserAgent(userAgent: string): Client {
  const hit = cache.get(userAgent);
  if (hit) return hit;
  const result = new UAParser(userAgent).getResult();
  const client: Client = {
    browser: result.browser.name ?? 'Unknown',
    os: result.os.name ?? 'Unknown',
    device: result.device.type ?? 'desktop',
  };
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(userAgent, client);
  return client;
}
