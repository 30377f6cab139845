/** A u64 seed split into u32 halves, so the hot paths never touch BigInt. */
export interface SeedHalves {
  lo: number;
  hi: number;
}

const ZERO: SeedHalves = { lo: 0, hi: 0 };
let lastSeed = 0n;
let lastHalves: SeedHalves = ZERO;

/** Splits `seed` (taken modulo 2^64; undefined = 0) and remembers the last one, which is usually reused. */
export function seedHalves(seed: bigint | undefined): SeedHalves {
  if (seed === undefined || seed === 0n) return ZERO;
  if (seed !== lastSeed) {
    const u = BigInt.asUintN(64, seed);
    lastHalves = { lo: Number(u & 0xffffffffn), hi: Number(u >> 32n) };
    lastSeed = seed;
  }
  return lastHalves;
}
