import { cachedScrubber } from './scrub-cache.js';
import { pathOf } from './url-parts.js';

/** The scrubbed path of a page URL (`scrubUrl` from wisp/scrub, cached: see cachedScrubber). */
export function createPathScrubber(scrubUrl: (url: string) => string, xxh64: (data: string) => bigint, maxEntries = 10_000) {
  const scrubPath = cachedScrubber((raw) => pathOf(scrubUrl(raw)), xxh64, maxEntries);
  return (url: string): string => scrubPath(pathOf(url));
}
