import { NO_SLOT } from './session-pool.js';

/**
 * (site, visitor) -> first session slot. One inner map per site so the key is the visitor hash
 * string the event already carries (no concatenated key kept alive per visitor).
 */
export class VisitorIndex {
  private readonly bySite = new Map<string, Map<string, number>>();
  size = 0;

  get(site: string, visitor: string): number {
    return this.bySite.get(site)?.get(visitor) ?? NO_SLOT;
  }

  set(site: string, visitor: string, slot: number): void {
    let inner = this.bySite.get(site);
    if (!inner) this.bySite.set(site, (inner = new Map()));
    const before = inner.size;
    inner.set(visitor, slot);
    this.size += inner.size - before;
  }

  delete(site: string, visitor: string): void {
    const inner = this.bySite.get(site);
    if (inner?.delete(visitor)) this.size--;
  }

  /** Calls `fn(site, visitor, head)` for every visitor; `fn` may set or delete the visited entry. */
  forEach(fn: (site: string, visitor: string, head: number) => void): void {
    for (const [site, inner] of this.bySite) for (const [visitor, head] of inner) fn(site, visitor, head);
  }
}
