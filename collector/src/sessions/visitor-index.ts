import { NO_SLOT } from './session-pool.js';

const EMPTY = 0;
const DELETED = -1;

/** One site's visitors: open addressing over a Float64Array of fingerprints and an Int32Array of head slots. */
interface SiteTable {
  keys: Float64Array;
  heads: Int32Array;
  /** Live entries, and live plus deleted (the load that decides a rebuild). */
  size: number;
  used: number;
}

/**
 * (site, visitor) -> first session slot, keyed by the visitor's 53-bit fingerprint (`fingerprint53`)
 * in typed arrays: 12 bytes a slot at load 1/2..3/4, where a Map keyed by the hash string took ~40
 * bytes an entry more. Exact: a lookup also asks whether the head slot holds that visitor
 * (`isVisitor`), so two visitors sharing a fingerprint keep separate entries. Entries are
 * changed by their head slot (`replace`, `remove`), so the caller may release the slot first.
 */
export class VisitorIndex {
  private readonly bySite = new Map<string, SiteTable>();
  size = 0;

  /** `isVisitor(slot, visitor)`: whether a head slot holds that visitor (it compares what the pool keeps). */
  constructor(private readonly isVisitor: (slot: number, visitor: string) => boolean) {}

  get(site: string, fp: number, visitor: string): number {
    const table = this.bySite.get(site);
    if (!table) return NO_SLOT;
    const { keys, heads } = table;
    for (let i = fp % keys.length; ; i = i + 1 === keys.length ? 0 : i + 1) {
      const key = keys[i]!;
      if (key === EMPTY) return NO_SLOT;
      if (key === fp && this.isVisitor(heads[i]!, visitor)) return heads[i]!;
    }
  }

  /** Adds a visitor that has no entry yet. */
  add(site: string, fp: number, head: number): void {
    let table = this.bySite.get(site);
    if (!table) this.bySite.set(site, (table = { keys: new Float64Array(16), heads: new Int32Array(16), size: 0, used: 0 }));
    if ((table.used + 1) * 4 > table.keys.length * 3) rebuild(table, Math.ceil(table.size * 2) + 16);
    const { keys } = table;
    let i = fp % keys.length;
    while (keys[i] !== EMPTY) i = i + 1 === keys.length ? 0 : i + 1;
    keys[i] = fp;
    table.heads[i] = head;
    table.size++;
    table.used++;
    this.size++;
  }

  /** Points the entry whose head is `oldHead` at `newHead`. */
  replace(site: string, fp: number, oldHead: number, newHead: number): void {
    const table = this.bySite.get(site)!;
    table.heads[find(table, fp, oldHead)] = newHead;
  }

  /** Deletes the entry whose head is `oldHead`. */
  remove(site: string, fp: number, oldHead: number): void {
    const table = this.bySite.get(site)!;
    table.keys[find(table, fp, oldHead)] = DELETED;
    table.size--;
    this.size--;
    if (table.size === 0) this.bySite.delete(site);
  }

  /** Calls `fn(site, fp, head)` for every visitor; `fn` may `replace` or `remove` the visited entry (nothing moves). */
  forEach(fn: (site: string, fp: number, head: number) => void): void {
    for (const [site, table] of this.bySite) {
      const { keys, heads } = table;
      for (let i = 0; i < keys.length; i++) if (keys[i]! > 0) fn(site, keys[i]!, heads[i]!);
    }
  }

  /** Bytes of the tables. */
  get byteLength(): number {
    let bytes = 0;
    for (const table of this.bySite.values()) bytes += table.keys.byteLength + table.heads.byteLength;
    return bytes;
  }
}

function find(table: SiteTable, fp: number, head: number): number {
  const { keys, heads } = table;
  for (let i = fp % keys.length; ; i = i + 1 === keys.length ? 0 : i + 1) {
    if (keys[i] === fp && heads[i] === head) return i;
    if (keys[i] === EMPTY) throw new Error('visitor index: no entry for this head');
  }
}

/** Re-inserts the live entries into `length` slots (drops deleted markers). */
function rebuild(table: SiteTable, length: number): void {
  const { keys, heads } = table;
  table.keys = new Float64Array(length);
  table.heads = new Int32Array(length);
  for (let j = 0; j < keys.length; j++) {
    const fp = keys[j]!;
    if (fp <= 0) continue;
    let i = fp % length;
    while (table.keys[i] !== EMPTY) i = i + 1 === length ? 0 : i + 1;
    table.keys[i] = fp;
    table.heads[i] = heads[j]!;
  }
  table.used = table.size;
}
