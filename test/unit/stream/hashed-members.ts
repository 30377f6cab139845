/** `n` pseudo-random non-zero 32-bit members spread like visitor fingerprints (an LCG, then a mix), repeatable by `seed`. */
export function hashedMembers(n: number, seed: number): Uint32Array {
  const values = new Uint32Array(n);
  let state = seed;
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = (Math.imul(state ^ (state >>> 16), 0x45d9f3b) >>> 0) || 1;
  }
  return values;
}
