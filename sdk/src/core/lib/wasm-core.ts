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
  let singleInput = bytes.subarray(dataPtr);

  // Only this function grows memory (the module never does), so `bytes.length` stays the memory
  // size between calls and the hot path never reads `memory.buffer`. Growing detaches the old
  // buffer: the views are re-created right after.
  function reserve(size: number): void {
    const missing = dataPtr + size - bytes.length;
    if (missing <= 0) return;
    wasm.memory.grow(Math.ceil(missing / PAGE_BYTES));
    bytes = new Uint8Array(wasm.memory.buffer);
    u32 = new Uint32Array(wasm.memory.buffer);
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

  /** Packs inputs after `data` and writes their count + 1 end offsets (relative to `data`) at `offsets`. */
  function putBatch(inputs: readonly HashInput[], offsets: number, data: number): void {
    const first = offsets >>> 2;
    u32[first] = 0;
    if (allAsciiJoinable(inputs)) {
      const joined = (inputs as readonly string[]).join('');
      if (encoder.encodeInto(joined, bytes.subarray(data)).written === joined.length) {
        let end = 0;
        for (let i = 0; i < inputs.length; i++) u32[first + i + 1] = end += inputs[i]!.length;
        return;
      }
    }
    let end = 0;
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      if (typeof input === 'string') {
        end += encoder.encodeInto(input, bytes.subarray(data + end)).written;
      } else {
        bytes.set(input, data + end);
        end += input.length;
      }
      u32[first + i + 1] = end;
    }
  }

  /** Reserves room for a batch and packs it; returns [outPtr, offsetsPtr, dataPtr]. */
  function layoutBatch(inputs: readonly HashInput[]): [number, number, number] {
    let capacity = 0;
    for (const input of inputs) capacity += typeof input === 'string' ? input.length * 3 : input.length;
    const out = dataPtr;
    const offsets = out + inputs.length * 8;
    const data = (offsets + (inputs.length + 1) * 4 + 7) & ~7;
    reserve(data - dataPtr + capacity);
    putBatch(inputs, offsets, data);
    return [out, offsets, data];
  }

  function readResults(out: number, count: number): BigUint64Array {
    return new BigUint64Array(wasm.memory.buffer, out, count).slice();
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
      const [out, offsets, data] = layoutBatch(inputs);
      wasm.xxh64Batch(data, offsets, inputs.length, out, lo, hi);
      return readResults(out, inputs.length);
    },
    siphash24Batch(key, inputs) {
      checkKey(key);
      const [out, offsets, data] = layoutBatch(inputs);
      bytes.set(key, keyPtr);
      wasm.siphash24Batch(keyPtr, data, offsets, inputs.length, out);
      return readResults(out, inputs.length);
    },
  };
}

function allAsciiJoinable(inputs: readonly HashInput[]): boolean {
  let chars = 0;
  for (const input of inputs) {
    if (typeof input !== 'string') return false;
    chars += input.length;
  }
  return chars <= MAX_JOINED_CHARS;
}
