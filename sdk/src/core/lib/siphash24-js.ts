// SipHash-2-4 in pure JS on u32 halves (no BigInt): https://www.aumasson.jp/siphash/siphash.pdf
// All state is in locals (int32, unboxed in optimized code): module-level variables holding values
// above 2^30 would be boxed on every write, which made an earlier version ~10x slower.

function read32(b: Uint8Array, p: number): number {
  return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
}

/** SipHash-2-4 of bytes [start, end) of `data` with a 16-byte key; writes lo then hi to out[at], out[at + 1]. */
export function siphash24Js(
  key: Uint8Array, data: Uint8Array, start: number, end: number, out: Uint32Array, at: number,
): void {
  const k0l = read32(key, 0), k0h = read32(key, 4), k1l = read32(key, 8), k1h = read32(key, 12);
  let v0h = k0h ^ 0x736f6d65, v0l = k0l ^ 0x70736575;
  let v1h = k1h ^ 0x646f7261, v1l = k1l ^ 0x6e646f6d;
  let v2h = k0h ^ 0x6c796765, v2l = k0l ^ 0x6e657261;
  let v3h = k1h ^ 0x74656462, v3l = k1l ^ 0x79746573;
  let p = start;
  // One loop runs every compression: full 8-byte words, then the length/tail word, then the
  // finalization (4 rounds after v2 ^= 0xff, with a zero "message" so the xors are no-ops).
  for (let stage = 0; stage < 2;) {
    let mh = 0, ml = 0, rounds = 2;
    if (p + 8 <= end) {
      ml = read32(data, p);
      mh = read32(data, p + 4);
      p += 8;
    } else if (stage === 0) {
      mh = ((end - start) & 0xff) << 24;
      for (let shift = 0; p < end; p++, shift += 8) {
        if (shift < 32) ml |= data[p]! << shift;
        else mh |= data[p]! << (shift - 32);
      }
      stage = 1;
    } else {
      v2l ^= 0xff;
      rounds = 4;
      stage = 2;
    }
    v3h ^= mh; v3l ^= ml;
    for (let r = 0; r < rounds; r++) {
      let lo = (v0l >>> 0) + (v1l >>> 0); // v0 += v1
      v0h = (v0h + v1h + (lo > 0xffffffff ? 1 : 0)) | 0; v0l = lo | 0;
      let t = v1h; // v1 = rotl(v1, 13) ^ v0
      v1h = ((v1h << 13) | (v1l >>> 19)) ^ v0h; v1l = ((v1l << 13) | (t >>> 19)) ^ v0l;
      t = v0h; v0h = v0l; v0l = t; // v0 = rotl(v0, 32)
      lo = (v2l >>> 0) + (v3l >>> 0); // v2 += v3
      v2h = (v2h + v3h + (lo > 0xffffffff ? 1 : 0)) | 0; v2l = lo | 0;
      t = v3h; // v3 = rotl(v3, 16) ^ v2
      v3h = ((v3h << 16) | (v3l >>> 16)) ^ v2h; v3l = ((v3l << 16) | (t >>> 16)) ^ v2l;
      lo = (v0l >>> 0) + (v3l >>> 0); // v0 += v3
      v0h = (v0h + v3h + (lo > 0xffffffff ? 1 : 0)) | 0; v0l = lo | 0;
      t = v3h; // v3 = rotl(v3, 21) ^ v0
      v3h = ((v3h << 21) | (v3l >>> 11)) ^ v0h; v3l = ((v3l << 21) | (t >>> 11)) ^ v0l;
      lo = (v2l >>> 0) + (v1l >>> 0); // v2 += v1
      v2h = (v2h + v1h + (lo > 0xffffffff ? 1 : 0)) | 0; v2l = lo | 0;
      t = v1h; // v1 = rotl(v1, 17) ^ v2
      v1h = ((v1h << 17) | (v1l >>> 15)) ^ v2h; v1l = ((v1l << 17) | (t >>> 15)) ^ v2l;
      t = v2h; v2h = v2l; v2l = t; // v2 = rotl(v2, 32)
    }
    v0h ^= mh; v0l ^= ml;
  }
  out[at] = v0l ^ v1l ^ v2l ^ v3l;
  out[at + 1] = v0h ^ v1h ^ v2h ^ v3h;
}
