// Batch entries: many inputs packed back to back in linear memory, hashed in one call, because the
// JS<->wasm boundary and string copies dominate the cost of short inputs.
// `offsetsPtr` holds count + 1 u32 byte offsets relative to `dataPtr` (input i is [off[i], off[i+1]));
// results are written as count little-endian u64s at `outPtr`.
import { xxh64At } from './xxh64';
import { siphash24 } from './siphash24';

export function xxh64Batch(
  dataPtr: usize, offsetsPtr: usize, count: u32, outPtr: usize, seedLo: u32, seedHi: u32,
): void {
  const seed = (<u64>seedHi << 32) | <u64>seedLo;
  let start = load<u32>(offsetsPtr);
  for (let i: u32 = 0; i < count; i++) {
    const next = load<u32>(offsetsPtr + ((<usize>i + 1) << 2));
    store<u64>(outPtr + (<usize>i << 3), xxh64At(dataPtr + start, next - start, seed));
    start = next;
  }
}

export function siphash24Batch(
  keyPtr: usize, dataPtr: usize, offsetsPtr: usize, count: u32, outPtr: usize,
): void {
  let start = load<u32>(offsetsPtr);
  for (let i: u32 = 0; i < count; i++) {
    const next = load<u32>(offsetsPtr + ((<usize>i + 1) << 2));
    store<u64>(outPtr + (<usize>i << 3), siphash24(keyPtr, dataPtr + start, next - start));
    start = next;
  }
}
