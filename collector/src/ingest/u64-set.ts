/** Shards by default, chosen by a key's top 8 bits (the slot comes from its low bits, so the two are independent). */
const SHARD_BITS = 8;
const INITIAL_SLOTS = 16;

// A key is split into two uint32 halves through one shared 8-byte buffer: reading a BigUint64Array
// slot or shifting a bigint allocates a new bigint, and those allocations were most of a lookup's cost.
const split64 = new BigUint64Array(1);
const halves = new Uint32Array(split64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

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
    split64[0] = key;
    const lo = halves[LO]!;
    const hi = halves[HI]!;
    const isZero = lo === 0 && hi === 0;
    return find(this.shards[this.shardOf(hi)]!, isZero ? 1 : lo, hi) >= 0;
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
