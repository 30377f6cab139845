import type { ValidEvent } from './ingest-types.js';
import { cachedScrubber } from './scrub-cache.js';

/** Props as stored: `scrubProps` (wisp/scrub) as JSON, `{}` when none (cached: see cachedScrubber). */
export function createPropsScrubber(
  scrubProps: (props: ValidEvent['props']) => ValidEvent['props'],
  xxh64: (data: string) => bigint,
  maxEntries = 10_000,
) {
  const scrubJson = cachedScrubber((json) => JSON.stringify(scrubProps(JSON.parse(json) as ValidEvent['props'])), xxh64, maxEntries);
  return (props: ValidEvent['props']): string => {
    for (const _ in props) return scrubJson(JSON.stringify(props));
    return '{}';
  };
}
