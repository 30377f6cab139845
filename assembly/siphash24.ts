// SipHash-2-4 with a 128-bit key and 64-bit output: https://www.aumasson.jp/siphash/siphash.pdf

let v0: u64 = 0;
let v1: u64 = 0;
let v2: u64 = 0;
let v3: u64 = 0;

// @ts-ignore: decorator
@inline function sipRound(): void {
  v0 += v1; v1 = rotl<u64>(v1, 13); v1 ^= v0; v0 = rotl<u64>(v0, 32);
  v2 += v3; v3 = rotl<u64>(v3, 16); v3 ^= v2;
  v0 += v3; v3 = rotl<u64>(v3, 21); v3 ^= v0;
  v2 += v1; v1 = rotl<u64>(v1, 17); v1 ^= v2; v2 = rotl<u64>(v2, 32);
}

// @ts-ignore: decorator
@inline function compress(m: u64): void {
  v3 ^= m;
  sipRound();
  sipRound();
  v0 ^= m;
}

/** SipHash-2-4 of `len` bytes at `ptr`, keyed with the 16 bytes at `keyPtr`. */
export function siphash24(keyPtr: usize, ptr: usize, len: usize): u64 {
  const k0 = load<u64>(keyPtr);
  const k1 = load<u64>(keyPtr, 8);
  v0 = k0 ^ 0x736F6D6570736575;
  v1 = k1 ^ 0x646F72616E646F6D;
  v2 = k0 ^ 0x6C7967656E657261;
  v3 = k1 ^ 0x7465646279746573;
  const end = ptr + len;
  while (ptr + 8 <= end) {
    compress(load<u64>(ptr));
    ptr += 8;
  }
  let last: u64 = <u64>len << 56;
  for (let shift: u64 = 0; ptr < end; ptr++, shift += 8) {
    last |= <u64>load<u8>(ptr) << shift;
  }
  compress(last);
  v2 ^= 0xFF;
  sipRound();
  sipRound();
  sipRound();
  sipRound();
  return v0 ^ v1 ^ v2 ^ v3;
}
