// XXH64 in pure JS on u32 halves (no BigInt): https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md
// 64-bit values are (hi, lo) pairs of u32; helpers leave their result in `rh`/`rl`.

const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;
const NEG_P1H = 0x61c8864e, NEG_P1L = 0x7a143579; // 2^64 - PRIME1

let rh = 0;
let rl = 0;

function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = (al >>> 0) + (bl >>> 0);
  rl = lo >>> 0;
  rh = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** (a * b) mod 2^64; the high half of al*bl comes from 16-bit limbs, which doubles hold exactly. */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const p01 = a0 * b1, p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  rl = Math.imul(al, bl) >>> 0;
  rh = (carry + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** acc = rotl(acc + lane * PRIME2, 31) * PRIME1 */
function round(acch: number, accl: number, laneh: number, lanel: number): void {
  mul(laneh, lanel, P2H, P2L);
  add(acch, accl, rh, rl);
  const h = rh, l = rl;
  mul((h << 31) | (l >>> 1), (l << 31) | (h >>> 1), P1H, P1L);
}

/** h = rotl(h, r) with 0 < r < 32, added into (rh, rl) += result. */
function addRotl(h: number, l: number, r: number): void {
  add(rh, rl, (h << r) | (l >>> (32 - r)), (l << r) | (h >>> (32 - r)));
}

/** acc = (acc ^ round(0, lane)) * PRIME1 + PRIME4 */
function mergeRound(acch: number, accl: number, laneh: number, lanel: number): void {
  round(0, 0, laneh, lanel);
  mul(acch ^ rh, accl ^ rl, P1H, P1L);
  add(rh, rl, P4H, P4L);
}

function read32(b: Uint8Array, p: number): number {
  return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
}

/** XXH64 of bytes [start, end) of `data`; writes lo then hi to out[at], out[at + 1]. */
export function xxh64Js(
  data: Uint8Array, start: number, end: number, seedHi: number, seedLo: number, out: Uint32Array, at: number,
): void {
  const len = end - start;
  let p = start;
  let hh: number, hl: number;
  if (len >= 32) {
    add(seedHi, seedLo, P1H, P1L);
    add(rh, rl, P2H, P2L);
    let v1h = rh, v1l = rl;
    add(seedHi, seedLo, P2H, P2L);
    let v2h = rh, v2l = rl;
    let v3h = seedHi, v3l = seedLo;
    add(seedHi, seedLo, NEG_P1H, NEG_P1L);
    let v4h = rh, v4l = rl;
    const limit = end - 32;
    do {
      round(v1h, v1l, read32(data, p + 4), read32(data, p)); v1h = rh; v1l = rl;
      round(v2h, v2l, read32(data, p + 12), read32(data, p + 8)); v2h = rh; v2l = rl;
      round(v3h, v3l, read32(data, p + 20), read32(data, p + 16)); v3h = rh; v3l = rl;
      round(v4h, v4l, read32(data, p + 28), read32(data, p + 24)); v4h = rh; v4l = rl;
      p += 32;
    } while (p <= limit);
    rh = (v1h << 1) | (v1l >>> 31); rl = (v1l << 1) | (v1h >>> 31);
    addRotl(v2h, v2l, 7);
    addRotl(v3h, v3l, 12);
    addRotl(v4h, v4l, 18);
    mergeRound(rh, rl, v1h, v1l);
    mergeRound(rh, rl, v2h, v2l);
    mergeRound(rh, rl, v3h, v3l);
    mergeRound(rh, rl, v4h, v4l);
  } else {
    add(seedHi, seedLo, P5H, P5L);
  }
  add(rh, rl, (len / 0x100000000) >>> 0, len >>> 0);
  hh = rh; hl = rl;
  for (; p + 8 <= end; p += 8) {
    round(0, 0, read32(data, p + 4), read32(data, p));
    const xh = hh ^ rh, xl = hl ^ rl; // then rotl 27, * PRIME1 + PRIME4
    mul((xh << 27) | (xl >>> 5), (xl << 27) | (xh >>> 5), P1H, P1L);
    add(rh, rl, P4H, P4L);
    hh = rh; hl = rl;
  }
  if (p + 4 <= end) {
    mul(0, read32(data, p), P1H, P1L);
    const xh = hh ^ rh, xl = hl ^ rl; // then rotl 23, * PRIME2 + PRIME3
    mul((xh << 23) | (xl >>> 9), (xl << 23) | (xh >>> 9), P2H, P2L);
    add(rh, rl, P3H, P3L);
    hh = rh; hl = rl;
    p += 4;
  }
  for (; p < end; p++) {
    mul(0, data[p]!, P5H, P5L);
    const xh = hh ^ rh, xl = hl ^ rl; // then rotl 11, * PRIME1
    mul((xh << 11) | (xl >>> 21), (xl << 11) | (xh >>> 21), P1H, P1L);
    hh = rh; hl = rl;
  }
  hl = (hl ^ (hh >>> 1)) >>> 0; // h ^= h >> 33
  mul(hh, hl, P2H, P2L);
  hh = rh; hl = ((rl ^ ((rl >>> 29) | (rh << 3))) >>> 0); // h ^= h >> 29
  hh = (hh ^ (hh >>> 29)) >>> 0;
  mul(hh, hl, P3H, P3L);
  out[at] = rl ^ rh; // h ^= h >> 32
  out[at + 1] = rh;
}
