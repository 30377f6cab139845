import type { Core, HashInput } from '../core.js';
import { checkKey } from './check-key.js';
import { seedHalves } from './seed-halves.js';

/** The exports of build/core.wasm (see assembly/index.ts). Pointers and lengths are byte offsets. */
interface CoreExports {
  readonly memory: WebAssembly.Memory;
  scratchBase(): number;
  xxh64(ptr: number, len: number, seedLo: number, seedHi: number): bigint;
  siphash24(keyPtr: number, ptr: number, len: number): bigint;
  xxh64Batch(dataPtr: number, offsetsPtr: number, count: number, outPtr: number, seedLo: number, seedHi: number): void;
  siphash24Batch(keyPtr: number, dataPtr: number, offsetsPtr: number, count: number, outPtr: number): void;
}

const PAGE_BYTES = 65536;
// Joining ASCII strings and encoding them once is the fast path; very large joins were measured
// ~3x slower per byte, so bigger batches take the per-input path.
const MAX_JOINED_CHARS = 65536;

/**
 * Wraps an instance of the core module. The module never allocates: this side owns the memory above
 * `scratchBase()` (key at +0, single input or batch output/offsets/data from +16) and grows it itself.
 */
export function createWasmCore(instance: WebAssembly.Instance): Core {
  const wasm = instance.exports as unknown as CoreExports;
  const encoder = new TextEncoder();
  const keyPtr = wasm.scratchBase();
  const dataPtr = keyPtr + 16;
  let bytes = new Uint8Array(wasm.memory.buffer);
  let u32 = new Uint32Array(wasm.memory.buffer);
  let u64 = new BigUint64Array(wasm.memory.buffer);
  let singleInput = bytes.subarray(dataPtr);
  // Where the last packed batch lives: results (u64 each) at dataPtr, then offsets, then the bytes.
  let offsetsPtr = 0;
  let batchPtr = 0;

  // Only this function grows memory (the module never does), so `bytes.length` stays the memory
  // size between calls and the hot path never reads `memory.buffer`. Growing detaches the old
  // buffer: the views are re-created right after.
  function reserve(size: number): void {
    const missing = dataPtr + size - bytes.length;
    if (missing <= 0) return;
    wasm.memory.grow(Math.ceil(missing / PAGE_BYTES));
    bytes = new Uint8Array(wasm.memory.buffer);
    u32 = new Uint32Array(wasm.memory.buffer);
    u64 = new BigUint64Array(wasm.memory.buffer);
    singleInput = bytes.subarray(dataPtr);
  }

  function putSingle(input: HashInput): number {
    if (typeof input === 'string') {
      reserve(input.length * 3);
      return encoder.encodeInto(input, singleInput).written;
    }
    reserve(input.length);
    bytes.set(input, dataPtr);
    return input.length;
  }

  /**
   * Packs the inputs back to back at `batchPtr` and their count + 1 end offsets (relative to
   * `batchPtr`) at `offsetsPtr`, leaving room for the results at `dataPtr`.
   */
  function putBatch(inputs: readonly HashInput[]): void {
    const count = inputs.length;
    let capacity = 0;
    let chars = 0;
    let allStrings = true;
    for (let i = 0; i < count; i++) {
      const input = inputs[i]!;
      if (typeof input === 'string') chars += input.length;
      else { allStrings = false; capacity += input.length; }
    }
    capacity += chars * 3;
    offsetsPtr = dataPtr + count * 8;
    batchPtr = (offsetsPtr + (count + 1) * 4 + 7) & ~7;
    reserve(batchPtr - dataPtr + capacity);
    const first = offsetsPtr >>> 2;
    u32[first] = 0;
    if (allStrings && chars <= MAX_JOINED_CHARS) {
      const joined = (inputs as readonly string[]).join('');
      if (encoder.encodeInto(joined, bytes.subarray(batchPtr)).written === chars) {
        let end = 0;
        for (let i = 0; i < count; i++) u32[first + i + 1] = end += (inputs[i] as string).length;
        return;
      }
    }
    let end = 0;
    for (let i = 0; i < count; i++) {
      const input = inputs[i]!;
      if (typeof input === 'string') {
        end += encoder.encodeInto(input, bytes.subarray(batchPtr + end)).written;
      } else {
        bytes.set(input, batchPtr + end);
        end += input.length;
      }
      u32[first + i + 1] = end;
    }
  }

  function readResults(count: number): BigUint64Array {
    return u64.slice(dataPtr >>> 3, (dataPtr >>> 3) + count);
  }

  return {
    backend: 'wasm',
    xxh64(data, seed) {
      const { lo, hi } = seedHalves(seed);
      const len = putSingle(data);
      return BigInt.asUintN(64, wasm.xxh64(dataPtr, len, lo, hi));
    },
    siphash24(key, data) {
      checkKey(key);
      const len = putSingle(data);
      bytes.set(key, keyPtr);
      return BigInt.asUintN(64, wasm.siphash24(keyPtr, dataPtr, len));
    },
    xxh64Batch(inputs, seed) {
      const { lo, hi } = seedHalves(seed);
      putBatch(inputs);
      wasm.xxh64Batch(batchPtr, offsetsPtr, inputs.length, dataPtr, lo, hi);
      return readResults(inputs.length);
    },
    siphash24Batch(key, inputs) {
      checkKey(key);
      putBatch(inputs);
      bytes.set(key, keyPtr);
      wasm.siphash24Batch(keyPtr, batchPtr, offsetsPtr, inputs.length, dataPtr);
      return readResults(inputs.length);
    },
  };
}
