import type { ValidEvent } from './ingest-types.js';

/**
 * Props as stored: `scrubProps` (wisp/scrub) as JSON, `{}` when none. Scrubbing costs ~1 us per
 * event (a regex pass per key and value) and real traffic repeats a few props objects, so results
 * are cached, bounded, keyed by the XXH64 of the raw props' JSON: the cache holds no raw value.
 */
export function createPropsScrubber(
  scrubProps: (props: ValidEvent['props']) => ValidEvent['props'],
  xxh64: (data: string) => bigint,
  maxEntries = 10_000,
) {
  const cache = new Map<bigint, string>();
  return (props: ValidEvent['props']): string => {
    let empty = true;
    for (const _ in props) {
      empty = false;
      break;
    }
    if (empty) return '{}';
    const key = xxh64(JSON.stringify(props));
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const clean = JSON.stringify(scrubProps(props));
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
    cache.set(key, clean);
    return clean;
  };
}
