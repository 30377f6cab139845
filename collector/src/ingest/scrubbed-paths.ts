import { pathOf } from './url-parts.js';

/**
 * The scrubbed path of a page URL. The SDK's scrubber costs several microseconds a URL and real
 * traffic repeats a few paths, so results are cached, bounded, keyed by the XXH64 of the raw path:
 * the cache holds no raw URL.
 */
export function createPathScrubber(scrubUrl: (url: string) => string, xxh64: (data: string) => bigint, maxEntries = 10_000) {
  const cache = new Map<bigint, string>();
  return (url: string): string => {
    const raw = pathOf(url);
    const key = xxh64(raw);
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const clean = pathOf(scrubUrl(raw));
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(key, clean);
    return clean;
  };
}
