import { isbot } from 'isbot';

/** Why a request is a bot (label of the `wisp_bot_requests_total` metric), or null for a person. */
export type BotReason = 'empty_ua' | 'headless' | 'script' | 'isbot';

const headless = /headless|phantomjs|electron|puppeteer|playwright|selenium|webdriver/i;
const script = /^(curl|wget|python|go-http-client|java\/|okhttp|node|axios|undici|libwww|httpie|ruby|php)/i;

const cache = new Map<string, BotReason | null>();
const CACHE_SIZE = 2000;

function classify(userAgent: string): BotReason | null {
  if (userAgent.trim() === '') return 'empty_ua';
  if (headless.test(userAgent)) return 'headless';
  if (script.test(userAgent)) return 'script';
  if (isbot(userAgent)) return 'isbot';
  return null;
}

/**
 * Bot stage: bots are answered 2xx by the route but stored and counted nowhere (contract). isbot's
 * pattern is long and real traffic repeats UAs, so verdicts are cached (bounded, memory only).
 */
export function botReason(userAgent: string): BotReason | null {
  const hit = cache.get(userAgent);
  if (hit !== undefined) return hit;
  const reason = classify(userAgent);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(userAgent, reason);
  return reason;
}
