// SipHash-2-4 with a 128-bit key and 64-bit output: https://www.aumasson.jp/siphash/siphash.pdf
// The state stays in locals (wasm globals cost a load/store per access in every round).

/** SipHash-2-4 of `len` bytes at `ptr`, keyed with the 16 bytes at `keyPtr`. */
export function siphash24(keyPtr: usize, ptr: usize, len: usize): u64 {
  const k0 = load<u64>(keyPtr);
  const k1 = load<u64>(keyPtr, 8);
  let v0 = k0 ^ 0x736F6D6570736575;
  let v1 = k1 ^ 0x646F72616E646F6D;
  let v2 = k0 ^ 0x6C7967656E657261;
  let v3 = k1 ^ 0x7465646279746573;
  const end = ptr + len;
  // One loop runs every compression: full 8-byte words, then the length/tail word, then the
  // finalization (4 rounds after v2 ^= 0xff, with a zero word so the xors are no-ops).
  for (let stage = 0; stage < 2;) {
    let m: u64 = 0;
    let rounds = 2;
    if (ptr + 8 <= end) {
      m = load<u64>(ptr);
      ptr += 8;
    } else if (stage == 0) {
      m = <u64>len << 56;
      for (let shift: u64 = 0; ptr < end; ptr++, shift += 8) m |= <u64>load<u8>(ptr) << shift;
      stage = 1;
    } else {
      v2 ^= 0xFF;
      rounds = 4;
      stage = 2;
    }
    v3 ^= m;
    for (let r = 0; r < rounds; r++) {
      v0 += v1; v1 = rotl<u64>(v1, 13); v1 ^= v0; v0 = rotl<u64>(v0, 32);
      v2 += v3; v3 = rotl<u64>(v3, 16); v3 ^= v2;
      v0 += v3; v3 = rotl<u64>(v3, 21); v3 ^= v0;
      v2 += v1; v1 = rotl<u64>(v1, 17); v1 ^= v2; v2 = rotl<u64>(v2, 32);
    }
    v0 ^= m;
  }
  return v0 ^ v1 ^ v2 ^ v3;
}
