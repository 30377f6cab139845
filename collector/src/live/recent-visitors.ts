import type { StreamEvent } from '../sessions/types.js';

/** "Current visitors" horizon: distinct visitors with an event in the last 5 minutes. */
export const CURRENT_WINDOW_MS = 5 * 60_000;

/**
 * Exact distinct visitors per site with an event time in (now - 5 min, now]: keeps each visitor's
 * latest event time and forgets visitors once they age out (memory bounded by the last 5 minutes).
 */
export class RecentVisitors {
  private readonly bySite = new Map<string, Map<string, number>>();

  constructor(private readonly windowMs = CURRENT_WINDOW_MS) {}

  add(events: Iterable<StreamEvent>): void {
    for (const event of events) {
      let visitors = this.bySite.get(event.site);
      if (!visitors) this.bySite.set(event.site, (visitors = new Map()));
      if ((visitors.get(event.visitor) ?? -Infinity) < event.ts) visitors.set(event.visitor, event.ts);
    }
  }

  /** Visitors held, all sites (memory accounting: a Map entry and its hex string key, ~72 bytes each). */
  get size(): number {
    let n = 0;
    for (const visitors of this.bySite.values()) n += visitors.size;
    return n;
  }

  /** Forgets visitors that aged out, on every site (call periodically: memory stays bounded without readers). */
  prune(now: number): void {
    for (const site of [...this.bySite.keys()]) this.count(site, now);
  }

  /** Distinct visitors of `site` seen in (now - window, now]; drops the ones that aged out. */
  count(site: string, now: number): number {
    const visitors = this.bySite.get(site);
    if (!visitors) return 0;
    let n = 0;
    for (const [visitor, ts] of visitors) {
      if (ts <= now - this.windowMs) visitors.delete(visitor);
      else if (ts <= now) n++;
    }
    if (visitors.size === 0) this.bySite.delete(site);
    return n;
  }
}
