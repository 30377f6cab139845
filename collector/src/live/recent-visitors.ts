import { fingerprint53 } from '../sessions/fingerprint.js';
import type { StreamEvent } from '../sessions/types.js';
import { LatestTimes } from './latest-times.js';

/** "Current visitors" horizon: distinct visitors with an event in the last 5 minutes. */
export const CURRENT_WINDOW_MS = 5 * 60_000;

/**
 * Distinct visitors per site with an event time in (now - 5 min, now]: keeps each visitor's latest
 * event time and forgets visitors once they age out (memory bounded by the last 5 minutes).
 * Visitors are held as 53-bit fingerprints of their hash in typed arrays (~30 bytes each; a
 * Map keyed by the hash string took ~85 MB at 1M visitors): two visitors share one with
 * probability 2^-53 per pair, i.e. the count is one low with probability ~5e-5 at 1M visitors.
 */
export class RecentVisitors {
  private readonly bySite = new Map<string, LatestTimes>();

  constructor(private readonly windowMs = CURRENT_WINDOW_MS) {}

  add(events: Iterable<StreamEvent>): void {
    let site = '';
    let visitors: LatestTimes | undefined;
    for (const event of events) {
      if (event.site !== site || !visitors) {
        site = event.site;
        visitors = this.bySite.get(site);
        if (!visitors) this.bySite.set(site, (visitors = new LatestTimes()));
      }
      visitors.note(fingerprint53(event.visitor), event.ts);
    }
  }

  /** Forgets visitors that aged out, on every site (call periodically: memory stays bounded without readers). */
  prune(now: number): void {
    for (const site of [...this.bySite.keys()]) this.count(site, now);
  }

  /** Distinct visitors of `site` seen in (now - window, now]; drops the ones that aged out once they are half the table. */
  count(site: string, now: number): number {
    const visitors = this.bySite.get(site);
    if (!visitors) return 0;
    const after = now - this.windowMs;
    const { inside, aged } = visitors.count(after, now);
    if (aged === visitors.size) this.bySite.delete(site);
    else if (aged * 2 >= visitors.size) visitors.compact(after);
    return inside;
  }

  /** Visitors held, all sites. */
  get size(): number {
    let n = 0;
    for (const visitors of this.bySite.values()) n += visitors.size;
    return n;
  }

  /** Bytes of the tables. */
  get byteLength(): number {
    let bytes = 0;
    for (const visitors of this.bySite.values()) bytes += visitors.byteLength;
    return bytes;
  }
}
