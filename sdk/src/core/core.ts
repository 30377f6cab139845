/** What the hash functions accept: bytes as they are, or a string hashed as its UTF-8 bytes. */
export type HashInput = string | Uint8Array;

/**
 * The Wisp hashing core. `loadCore()` computes with the WebAssembly module, `loadCoreJs()` in pure
 * TypeScript; both give identical results. u64 results are unsigned BigInts (0 .. 2^64 - 1).
 */
export interface Core {
  /** Which implementation computes the hashes. */
  readonly backend: 'wasm' | 'js';
  /** XXH64 of `data` (a string is hashed as UTF-8). `seed` defaults to 0n and is taken modulo 2^64. */
  xxh64(data: HashInput, seed?: bigint): bigint;
  /** SipHash-2-4 (64-bit output) of `data` keyed with exactly 16 bytes; throws RangeError otherwise. */
  siphash24(key: Uint8Array, data: HashInput): bigint;
  /**
   * XXH64 of every input in one call; element i of the result is `xxh64(inputs[i], seed)`.
   * Cheaper per input than single calls for short strings (one boundary crossing and, for ASCII
   * strings, one UTF-8 copy). Keep batches moderate (tens to a few thousand short inputs).
   */
  xxh64Batch(inputs: readonly HashInput[], seed?: bigint): BigUint64Array;
  /** SipHash-2-4 of every input with the same 16-byte key; element i is `siphash24(key, inputs[i])`. */
  siphash24Batch(key: Uint8Array, inputs: readonly HashInput[]): BigUint64Array;
}
