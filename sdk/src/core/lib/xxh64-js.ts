// XXH64 in pure JS on u32 halves (no BigInt): https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md
// 64-bit values are (hi, lo) int32 pairs; helpers leave their result in the register R (R[0] = lo,
// R[1] = hi). A typed array keeps it unboxed: module-level `let`s holding values above 2^30 were
// boxed on every write and made this ~10x slower.

const P1H = 0x9e3779b1 | 0, P1L = 0x85ebca87 | 0;
const P2H = 0xc2b2ae3d | 0, P2L = 0x27d4eb4f | 0;
const P3H = 0x165667b1 | 0, P3L = 0x9e3779f9 | 0;
const P4H = 0x85ebca77 | 0, P4L = 0xc2b2ae63 | 0;
const P5H = 0x27d4eb2f | 0, P5L = 0x165667c5 | 0;
const NEG_P1H = 0x61c8864e | 0, NEG_P1L = 0x7a143579 | 0; // 2^64 - PRIME1

const TWO_TO_MINUS_32 = 1 / 4294967296;
const R = new Int32Array(2);

function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = (al >>> 0) + (bl >>> 0);
  R[0] = lo;
  R[1] = ah + bh + (lo > 0xffffffff ? 1 : 0);
}

/**
 * (a * b) mod 2^64. The low word of al*bl is exact from Math.imul. For the high word, the double
 * product minus the exact low word, scaled by 2^-32, is within 2^-20 of it, so adding 0.5 and
 * truncating with `| 0` gives it exactly (already reduced mod 2^32; ~2x faster than Math.round).
 */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const lo = Math.imul(al, bl);
  const carry = (((al >>> 0) * (bl >>> 0) - (lo >>> 0)) * TWO_TO_MINUS_32 + 0.5) | 0;
  R[0] = lo;
  R[1] = carry + Math.imul(ah, bl) + Math.imul(al, bh);
}

/** rotl(acc + lane * PRIME2, 31) * PRIME1 */
function round(acch: number, accl: number, laneh: number, lanel: number): void {
  mul(laneh, lanel, P2H, P2L);
  add(acch, accl, R[1]!, R[0]!);
  const h = R[1]!, l = R[0]!;
  mul((h << 31) | (l >>> 1), (l << 31) | (h >>> 1), P1H, P1L);
}

/** (acc ^ round(0, lane)) * PRIME1 + PRIME4 */
function mergeRound(acch: number, accl: number, laneh: number, lanel: number): void {
  round(0, 0, laneh, lanel);
  mul(acch ^ R[1]!, accl ^ R[0]!, P1H, P1L);
  add(R[1]!, R[0]!, P4H, P4L);
}

/** R += rotl((h, l), r) for 0 < r < 32. */
function addRotl(h: number, l: number, r: number): void {
  add(R[1]!, R[0]!, (h << r) | (l >>> (32 - r)), (l << r) | (h >>> (32 - r)));
}

function read32(b: Uint8Array, p: number): number {
  return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
}

/**
 * Consumes the 32-byte stripes of [start, end) (at least one), leaves the converged accumulator in
 * R and returns where the tail starts. Kept apart from the tail so each function's hot loop gets
 * its helpers inlined (V8's inlining budget is per optimized function).
 */
function stripes(data: Uint8Array, start: number, end: number, seedHi: number, seedLo: number): number {
  add(seedHi, seedLo, P1H, P1L);
  add(R[1]!, R[0]!, P2H, P2L);
  let v1h = R[1]!, v1l = R[0]!;
  add(seedHi, seedLo, P2H, P2L);
  let v2h = R[1]!, v2l = R[0]!;
  let v3h = seedHi | 0, v3l = seedLo | 0;
  add(seedHi, seedLo, NEG_P1H, NEG_P1L);
  let v4h = R[1]!, v4l = R[0]!;
  const limit = end - 32;
  let p = start;
  do {
    round(v1h, v1l, read32(data, p + 4), read32(data, p)); v1h = R[1]!; v1l = R[0]!;
    round(v2h, v2l, read32(data, p + 12), read32(data, p + 8)); v2h = R[1]!; v2l = R[0]!;
    round(v3h, v3l, read32(data, p + 20), read32(data, p + 16)); v3h = R[1]!; v3l = R[0]!;
    round(v4h, v4l, read32(data, p + 28), read32(data, p + 24)); v4h = R[1]!; v4l = R[0]!;
    p += 32;
  } while (p <= limit);
  converge(v1h, v1l, v2h, v2l, v3h, v3l, v4h, v4l);
  return p;
}

/** R = merge of the four lane accumulators: rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18), then merge rounds. */
function converge(
  v1h: number, v1l: number, v2h: number, v2l: number, v3h: number, v3l: number, v4h: number, v4l: number,
): void {
  R[1] = (v1h << 1) | (v1l >>> 31); R[0] = (v1l << 1) | (v1h >>> 31);
  addRotl(v2h, v2l, 7);
  addRotl(v3h, v3l, 12);
  addRotl(v4h, v4l, 18);
  mergeRound(R[1]!, R[0]!, v1h, v1l);
  mergeRound(R[1]!, R[0]!, v2h, v2l);
  mergeRound(R[1]!, R[0]!, v3h, v3l);
  mergeRound(R[1]!, R[0]!, v4h, v4l);
}

/** XXH64 of bytes [start, end) of `data`; writes lo then hi to out[at], out[at + 1]. */
export function xxh64Js(
  data: Uint8Array, start: number, end: number, seedHi: number, seedLo: number, out: Uint32Array, at: number,
): void {
  const len = end - start;
  let p = start;
  if (len >= 32) p = stripes(data, start, end, seedHi, seedLo);
  else add(seedHi, seedLo, P5H, P5L);
  add(R[1]!, R[0]!, (len / 0x100000000) | 0, len | 0);
  let hh = R[1]!, hl = R[0]!;
  for (; p + 8 <= end; p += 8) {
    round(0, 0, read32(data, p + 4), read32(data, p));
    const xh = hh ^ R[1]!, xl = hl ^ R[0]!; // then rotl 27, * PRIME1 + PRIME4
    mul((xh << 27) | (xl >>> 5), (xl << 27) | (xh >>> 5), P1H, P1L);
    add(R[1]!, R[0]!, P4H, P4L);
    hh = R[1]!; hl = R[0]!;
  }
  if (p + 4 <= end) {
    mul(0, read32(data, p), P1H, P1L);
    const xh = hh ^ R[1]!, xl = hl ^ R[0]!; // then rotl 23, * PRIME2 + PRIME3
    mul((xh << 23) | (xl >>> 9), (xl << 23) | (xh >>> 9), P2H, P2L);
    add(R[1]!, R[0]!, P3H, P3L);
    hh = R[1]!; hl = R[0]!;
    p += 4;
  }
  for (; p < end; p++) {
    mul(0, data[p]!, P5H, P5L);
    const xh = hh ^ R[1]!, xl = hl ^ R[0]!; // then rotl 11, * PRIME1
    mul((xh << 11) | (xl >>> 21), (xl << 11) | (xh >>> 21), P1H, P1L);
    hh = R[1]!; hl = R[0]!;
  }
  hl ^= hh >>> 1; // h ^= h >> 33
  mul(hh, hl, P2H, P2L);
  hh = R[1]!; hl = R[0]!;
  hl ^= (hl >>> 29) | (hh << 3); // h ^= h >> 29
  hh ^= hh >>> 29;
  mul(hh, hl, P3H, P3L);
  out[at] = R[0]! ^ R[1]!; // h ^= h >> 32
  out[at + 1] = R[1]!;
}
