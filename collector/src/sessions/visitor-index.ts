import { NO_SLOT } from './session-pool.js';
import { releaseArray } from '../memory/release-array.js';

const EMPTY = 0;
const DELETED = 1;

/**
 * A fingerprint's low 32 bits, the key kept in a slot (never EMPTY or DELETED). Idempotent, so the
 * keys `forEach` hands out work as fingerprints again.
 */
function keyOf(fp: number): number {
  const key = fp % 4294967296;
  return key > DELETED ? key : key + 2;
}

/** One site's visitors: open addressing over a Uint32Array of keys (`keyOf`) and an Int32Array of head slots. */
interface SiteTable {
  keys: Uint32Array;
  heads: Int32Array;
  /** Live entries, and live plus deleted (the load that decides a rebuild). */
  size: number;
  used: number;
}

/**
 * (site, visitor) -> first session slot, keyed by the low 32 bits of the visitor's fingerprint
 * (`fingerprint53`) in typed arrays: 8 bytes a slot at load 1/2..3/4 (~16 MB at 1M visitors; the
 * whole 53 bits in a Float64Array took 12, and a Map keyed by the hash string ~40 bytes an entry
 * more). Exact: a lookup also asks whether the head slot holds that visitor (`isVisitor`), so two
 * visitors sharing a key keep separate entries. Entries are changed by their head slot (`replace`,
 * `remove`), so the caller may release the slot first.
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
    const wanted = keyOf(fp);
    for (let i = wanted % keys.length; ; i = i + 1 === keys.length ? 0 : i + 1) {
      const key = keys[i]!;
      if (key === EMPTY) return NO_SLOT;
      if (key === wanted && this.isVisitor(heads[i]!, visitor)) return heads[i]!;
    }
  }

  /** Adds a visitor that has no entry yet. */
  add(site: string, fp: number, head: number): void {
    let table = this.bySite.get(site);
    if (!table) this.bySite.set(site, (table = { keys: new Uint32Array(16), heads: new Int32Array(16), size: 0, used: 0 }));
    if ((table.used + 1) * 4 > table.keys.length * 3) rebuild(table, Math.ceil(table.size * 2) + 16);
    const { keys } = table;
    const key = keyOf(fp);
    let i = key % keys.length;
    while (keys[i] !== EMPTY) i = i + 1 === keys.length ? 0 : i + 1;
    keys[i] = key;
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

  /**
   * Calls `fn(site, fp, head)` for every visitor, with the key it keeps as `fp` (the other methods take
   * it as well); `fn` may `replace` or `remove` the visited entry (nothing moves).
   */
  forEach(fn: (site: string, fp: number, head: number) => void): void {
    for (const [site, table] of this.bySite) {
      const { keys, heads } = table;
      for (let i = 0; i < keys.length; i++) if (keys[i]! > DELETED) fn(site, keys[i]!, heads[i]!);
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
  const key = keyOf(fp);
  for (let i = key % keys.length; ; i = i + 1 === keys.length ? 0 : i + 1) {
    if (keys[i] === key && heads[i] === head) return i;
    if (keys[i] === EMPTY) throw new Error('visitor index: no entry for this head');
  }
}

/** Re-inserts the live entries into `length` slots (drops deleted markers). */
function rebuild(table: SiteTable, length: number): void {
  const { keys, heads } = table;
  table.keys = new Uint32Array(length);
  table.heads = new Int32Array(length);
  for (let j = 0; j < keys.length; j++) {
    const key = keys[j]!;
    if (key <= DELETED) continue;
    let i = key % length;
    while (table.keys[i] !== EMPTY) i = i + 1 === length ? 0 : i + 1;
    table.keys[i] = key;
    table.heads[i] = heads[j]!;
  }
  table.used = table.size;
  releaseArray(keys);
  releaseArray(heads);
}
