// XXH64, as specified in https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md
// Reads are little-endian, which is what wasm's load<u64> does on every host.

const PRIME1: u64 = 0x9E3779B185EBCA87;
const PRIME2: u64 = 0xC2B2AE3D27D4EB4F;
const PRIME3: u64 = 0x165667B19E3779F9;
const PRIME4: u64 = 0x85EBCA77C2B2AE63;
const PRIME5: u64 = 0x27D4EB2F165667C5;

// @ts-ignore: decorator
@inline function round(acc: u64, lane: u64): u64 {
  return rotl<u64>(acc + lane * PRIME2, 31) * PRIME1;
}

// @ts-ignore: decorator
@inline function mergeRound(acc: u64, lane: u64): u64 {
  return (acc ^ round(0, lane)) * PRIME1 + PRIME4;
}

/** XXH64 of `len` bytes at `ptr` with a 64-bit seed. */
export function xxh64At(ptr: usize, len: usize, seed: u64): u64 {
  const end = ptr + len;
  let h: u64;
  if (len >= 32) {
    const limit = end - 32;
    let v1 = seed + PRIME1 + PRIME2;
    let v2 = seed + PRIME2;
    let v3 = seed;
    let v4 = seed - PRIME1;
    do {
      v1 = round(v1, load<u64>(ptr));
      v2 = round(v2, load<u64>(ptr, 8));
      v3 = round(v3, load<u64>(ptr, 16));
      v4 = round(v4, load<u64>(ptr, 24));
      ptr += 32;
    } while (ptr <= limit);
    h = rotl<u64>(v1, 1) + rotl<u64>(v2, 7) + rotl<u64>(v3, 12) + rotl<u64>(v4, 18);
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = seed + PRIME5;
  }
  h += <u64>len;
  while (ptr + 8 <= end) {
    h = rotl<u64>(h ^ round(0, load<u64>(ptr)), 27) * PRIME1 + PRIME4;
    ptr += 8;
  }
  if (ptr + 4 <= end) {
    h = rotl<u64>(h ^ (<u64>load<u32>(ptr) * PRIME1), 23) * PRIME2 + PRIME3;
    ptr += 4;
  }
  while (ptr < end) {
    h = rotl<u64>(h ^ (<u64>load<u8>(ptr) * PRIME5), 11) * PRIME1;
    ptr++;
  }
  h ^= h >> 33;
  h *= PRIME2;
  h ^= h >> 29;
  h *= PRIME3;
  return h ^ (h >> 32);
}

/** Exported entry: the seed comes as two u32 halves so JS never builds a BigInt to call it. */
export function xxh64(ptr: usize, len: usize, seedLo: u32, seedHi: u32): u64 {
  return xxh64At(ptr, len, (<u64>seedHi << 32) | <u64>seedLo);
}
