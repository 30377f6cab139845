import type { WireEvent } from '../beacon/wire-event.js';
import type { HashCore } from './load-hash-core.js';

/**
 * The dedupe stage: collapses identical events fired twice within `windowMs` (double listeners,
 * double clicks, a router announcing one navigation twice). Identity = XXH64 of everything but
 * the id and the time. Retries are not its concern: they keep their id and the collector drops ids
 * it already accepted.
 */
export function createDeduper(core: HashCore, windowMs: number) {
  const seen = new Map<bigint, number>();
  return (event: WireEvent): boolean => {
    if (seen.size > 1_000) seen.clear(); // bounded memory; only the last second matters
    const content = JSON.stringify([event.type, event.url, event.referrer, event.name, event.props]);
    const fingerprint = core.xxh64(content);
    const last = seen.get(fingerprint);
    if (last !== undefined && Math.abs(event.ts - last) <= windowMs) return false;
    seen.set(fingerprint, event.ts);
    return true;
  };
}
