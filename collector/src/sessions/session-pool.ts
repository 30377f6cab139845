import { InternTable } from './intern-table.js';
import { parsedVisitor, parseVisitorHex, visitorHex } from './visitor-hex.js';
import { releaseArray } from '../memory/release-array.js';

const NONE = -1;

/**
 * Sessions as a struct of typed arrays (one slot per open session, 52 bytes) instead of one object
 * each: this is what keeps the sessionizer near 150 bytes per active visitor. A visitor's sessions
 * form a list through `next`, sorted by start. Slots are recycled through a free list.
 */
export class SessionPool {
  capacity = 0;
  start = new Float64Array(0);
  /** end, entry and exit times as ms after `start` (Int32: sessions are far shorter than 24 days). */
  endOffset = new Int32Array(0);
  entryOffset = new Int32Array(0);
  exitOffset = new Int32Array(0);
  pageviews = new Int32Array(0);
  events = new Int32Array(0);
  /** Path ids in `paths`, NONE when the session has no pageview yet. */
  entry = new Int32Array(0);
  exit = new Int32Array(0);
  next = new Int32Array(0);
  /** Site id (index in `sites`). */
  site = new Int32Array(0);
  /** The visitor hash as two uint32 halves (no string per visitor: ~32 bytes less each); see `visitorOf`. */
  visitorHi = new Uint32Array(0);
  visitorLo = new Uint32Array(0);
  /** Visitors that are not a canonical 64-bit hex string (tests), by slot. */
  private readonly visitorText = new Map<number, string>();
  readonly paths = new InternTable();
  readonly sites: string[] = [];
  private readonly siteIds = new Map<string, number>();
  /** Released slots; slots at or above `highWater` were never used (no free-list entry needed). */
  private readonly freeSlots: number[] = [];
  private highWater = 0;
  used = 0;

  constructor(initialCapacity = 1024) {
    this.grow(initialCapacity);
  }

  alloc(site: string, visitor: string, ts: number): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      if (this.highWater === this.capacity) this.grow(Math.ceil(this.capacity * 1.25));
      slot = this.highWater++;
    }
    let siteId = this.siteIds.get(site);
    if (siteId === undefined) {
      siteId = this.sites.push(site) - 1;
      this.siteIds.set(site, siteId);
    }
    this.site[slot] = siteId;
    if (parseVisitorHex(visitor)) {
      this.visitorHi[slot] = parsedVisitor.hi;
      this.visitorLo[slot] = parsedVisitor.lo;
    } else this.visitorText.set(slot, visitor);
    this.start[slot] = ts;
    this.endOffset[slot] = 0;
    this.pageviews[slot] = 0;
    this.events[slot] = 0;
    this.entry[slot] = NONE;
    this.exit[slot] = NONE;
    this.next[slot] = NONE;
    this.used++;
    return slot;
  }

  release(slot: number): void {
    this.paths.release(this.entry[slot]!);
    this.paths.release(this.exit[slot]!);
    this.entry[slot] = NONE;
    this.exit[slot] = NONE;
    if (this.visitorText.size > 0) this.visitorText.delete(slot);
    this.freeSlots.push(slot);
    this.used--;
  }

  /** The visitor hash string of a slot (built again for canonical hashes). */
  visitorOf(slot: number): string {
    return this.visitorText.get(slot) ?? visitorHex(this.visitorHi[slot]!, this.visitorLo[slot]!);
  }

  /** Whether `slot` belongs to `visitor` (no string built). */
  isVisitor(slot: number, visitor: string): boolean {
    if (!parseVisitorHex(visitor)) return this.visitorText.get(slot) === visitor;
    // A slot holding a text visitor keeps a former occupant's halves: the text decides then.
    return this.visitorHi[slot] === parsedVisitor.hi && this.visitorLo[slot] === parsedVisitor.lo && (this.visitorText.size === 0 || !this.visitorText.has(slot));
  }

  /** Bytes of the slot arrays, and of the interned paths (estimated). */
  get byteLength(): number {
    return this.capacity * (8 + 11 * 4) + this.paths.size * 64;
  }

  endOf(slot: number): number {
    return this.start[slot]! + this.endOffset[slot]!;
  }

  entryTsOf(slot: number): number {
    return this.start[slot]! + this.entryOffset[slot]!;
  }

  exitTsOf(slot: number): number {
    return this.start[slot]! + this.exitOffset[slot]!;
  }

  /** Widens [start, end] of a slot to include `ts`, rebasing the offsets when start moves. */
  cover(slot: number, ts: number): void {
    const start = this.start[slot]!;
    if (ts < start) {
      const shift = start - ts;
      this.start[slot] = ts;
      this.endOffset[slot]! += shift;
      this.entryOffset[slot]! += shift;
      this.exitOffset[slot]! += shift;
    } else if (ts - start > this.endOffset[slot]!) {
      this.endOffset[slot] = ts - start;
    }
  }

  /** Sets the entry pageview (the slot must already cover `ts`). */
  setEntry(slot: number, path: string, ts: number): void {
    this.entry[slot] = this.swapPath(this.entry[slot]!, path);
    this.entryOffset[slot] = ts - this.start[slot]!;
  }

  setExit(slot: number, path: string, ts: number): void {
    this.exit[slot] = this.swapPath(this.exit[slot]!, path);
    this.exitOffset[slot] = ts - this.start[slot]!;
  }

  private swapPath(oldId: number, path: string): number {
    const id = this.paths.acquire(path);
    this.paths.release(oldId);
    return id;
  }

  private grow(capacity: number): void {
    // The old arrays are released at once: at 1M sessions one step leaves ~40 MB of them (growth is 1.25x).
    const grownF = (a: Float64Array) => { const b = new Float64Array(capacity); b.set(a); releaseArray(a); return b; };
    const grownI = (a: Int32Array) => { const b = new Int32Array(capacity); b.set(a); releaseArray(a); return b; };
    this.start = grownF(this.start);
    this.endOffset = grownI(this.endOffset);
    this.entryOffset = grownI(this.entryOffset);
    this.exitOffset = grownI(this.exitOffset);
    this.pageviews = grownI(this.pageviews);
    this.events = grownI(this.events);
    this.entry = grownI(this.entry);
    this.exit = grownI(this.exit);
    this.next = grownI(this.next);
    this.site = grownI(this.site);
    const grownU = (a: Uint32Array) => { const b = new Uint32Array(capacity); b.set(a); releaseArray(a); return b; };
    this.visitorHi = grownU(this.visitorHi);
    this.visitorLo = grownU(this.visitorLo);
    this.capacity = capacity;
  }
}

export const NO_SLOT = NONE;
