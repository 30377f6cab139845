import { releaseArray } from '../memory/release-array.js';

/** Shards by default, chosen by a key's top 8 bits (the slot comes from its low bits, so the two are independent). */
const SHARD_BITS = 8;
const INITIAL_SLOTS = 16;

// A key is split into two uint32 halves through one shared 8-byte buffer: reading a BigUint64Array
// slot or shifting a bigint allocates a new bigint, and those allocations were most of a lookup's cost.
const split64 = new BigUint64Array(1);
const halves = new Uint32Array(split64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Index of a key's low / high uint32 half in a `Uint32Array` view of 64-bit keys (platform byte order). */
export const LO = LITTLE_ENDIAN ? 0 : 1;
export const HI = 1 - LO;

/** Splits a key into the shared words returned (read `[LO]` and `[HI]` before the next call). */
export function splitKey(key: bigint): Uint32Array {
  split64[0] = key;
  return halves;
}

/**
 * A set of 64-bit keys (uniformly spread hashes) in `Uint32Array`s (two words per slot), open
 * addressing with linear probing at load 3/8..3/4: 11-21 bytes per key, against ~60+ for a
 * `Set<bigint>`. Key 0 marks an empty slot, so 0 is stored as 1 (a collision only merges two keys out of 2^64).
 *
 * The keys are spread over 256 shards that grow on their own: one table growing by doubling had to
 * rehash every key at once, an event-loop stall of ~100 ms at 0.8M keys and ~900 ms at 6.3M
 * (measured here); a shard's rehash moves 1/256 of them.
 */
export class U64Set {
  /** Per shard: slot i holds words 2i (low half) and 2i+1 (high half). */
  private readonly shards: Uint32Array[];
  private readonly counts: Uint32Array;
  /** A key's shard is the top `shardBits` bits of its high half. */
  private readonly shift: number;
  size = 0;

  /** `shardBits` 0 = one table: for small, short-lived sets (a group's keys), where 256 shards cost more than they save. */
  constructor(shardBits = SHARD_BITS) {
    this.shards = Array.from({ length: 2 ** shardBits }, () => new Uint32Array(INITIAL_SLOTS * 2));
    this.counts = new Uint32Array(2 ** shardBits);
    this.shift = 32 - shardBits;
  }

  has(key: bigint): boolean {
    const words = splitKey(key);
    const lo = words[LO]!;
    const hi = words[HI]!;
    return this.hasWords(lo === 0 && hi === 0 ? 1 : lo, hi);
  }

  /** `has` for a key already split into halves, (lo, hi) not both 0 (key 0 is looked up as 1). */
  hasWords(lo: number, hi: number): boolean {
    return find(this.shards[this.shardOf(hi)]!, lo, hi) >= 0;
  }

  /** Adds a key; false when it was already there. */
  add(key: bigint): boolean {
    split64[0] = key;
    const hi = halves[HI]!;
    const lo = halves[LO]! === 0 && hi === 0 ? 1 : halves[LO]!;
    const shard = this.shardOf(hi);
    if ((this.counts[shard]! + 1) * 4 > (this.shards[shard]!.length / 2) * 3) this.grow(shard);
    const slots = this.shards[shard]!;
    const at = find(slots, lo, hi);
    if (at >= 0) return false;
    slots[~at * 2] = lo;
    slots[~at * 2 + 1] = hi;
    this.counts[shard]! += 1;
    this.size++;
    return true;
  }

  /** Shards hold ascending key ranges: shard i holds the keys whose high half starts with the bits of i. */
  get shardCount(): number {
    return this.shards.length;
  }

  /**
   * Copies the keys of one shard into `into` as word pairs (`[2i + LO]`, `[2i + HI]`, i.e. a
   * `BigUint64Array`'s layout) from pair `at` on, unordered; returns how many it copied.
   */
  copyShardKeys(shard: number, into: Uint32Array, at: number): number {
    const slots = this.shards[shard]!;
    let n = 0;
    for (let i = 0; i < slots.length; i += 2) {
      const lo = slots[i]!;
      const hi = slots[i + 1]!;
      if (lo === 0 && hi === 0) continue;
      into[(at + n) * 2 + LO] = lo;
      into[(at + n) * 2 + HI] = hi;
      n++;
    }
    return n;
  }

  /** Bytes of the tables. */
  get byteLength(): number {
    let bytes = 0;
    for (const shard of this.shards) bytes += shard.byteLength;
    return bytes;
  }

  private shardOf(hi: number): number {
    return this.shift === 32 ? 0 : hi >>> this.shift;
  }

  private grow(shard: number): void {
    const old = this.shards[shard]!;
    const slots = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) {
      const lo = old[i]!;
      const hi = old[i + 1]!;
      if (lo === 0 && hi === 0) continue;
      const at = ~find(slots, lo, hi);
      slots[at * 2] = lo;
      slots[at * 2 + 1] = hi;
    }
    this.shards[shard] = slots;
    releaseArray(old);
  }

  /** Frees the tables now (see releaseArray); the set is empty and unusable afterwards. */
  release(): void {
    for (const slots of this.shards) releaseArray(slots);
    this.shards.length = 0;
    this.counts.fill(0);
    this.size = 0;
  }
}

/** The slot holding (lo, hi), or ~(the empty slot where it would go). (lo, hi) is never (0, 0). */
function find(slots: Uint32Array, lo: number, hi: number): number {
  const mask = slots.length / 2 - 1;
  for (let i = lo & mask; ; i = (i + 1) & mask) {
    const slotLo = slots[i * 2]!;
    const slotHi = slots[i * 2 + 1]!;
    if (slotLo === lo && slotHi === hi) return i;
    if (slotLo === 0 && slotHi === 0) return ~i;
  }
}
