import type { Core, HashInput } from '../core.js';
import { checkKey } from './check-key.js';
import { seedHalves } from './seed-halves.js';
import { siphash24Js } from './siphash24-js.js';
import { xxh64Js } from './xxh64-js.js';

// Results are written as u32 halves (lo, hi) into typed arrays shared with a BigUint64Array, which
// assumes little-endian typed arrays: true of every engine that runs WebAssembly too.

/** The pure TypeScript core: same interface and results as the wasm one, no WebAssembly needed. */
export function createJsCore(): Core {
  const encoder = new TextEncoder();
  let scratch = new Uint8Array(1024);
  const single = new BigUint64Array(1);
  const singleHalves = new Uint32Array(single.buffer);

  let inputBytes: Uint8Array = scratch;
  let inputLength = 0;

  /** Points inputBytes/inputLength at the input: its UTF-8 in a reused buffer, or the bytes themselves. */
  function take(input: HashInput): void {
    if (typeof input !== 'string') {
      inputBytes = input;
      inputLength = input.length;
      return;
    }
    if (scratch.length < input.length * 3) scratch = new Uint8Array(input.length * 3);
    inputBytes = scratch;
    inputLength = encoder.encodeInto(input, scratch).written;
  }

  return {
    backend: 'js',
    xxh64(data, seed) {
      const { lo, hi } = seedHalves(seed);
      take(data);
      xxh64Js(inputBytes, 0, inputLength, hi, lo, singleHalves, 0);
      return single[0]!;
    },
    siphash24(key, data) {
      checkKey(key);
      take(data);
      siphash24Js(key, inputBytes, 0, inputLength, singleHalves, 0);
      return single[0]!;
    },
    xxh64Batch(inputs, seed) {
      const { lo, hi } = seedHalves(seed);
      const results = new BigUint64Array(inputs.length);
      const halves = new Uint32Array(results.buffer);
      for (let i = 0; i < inputs.length; i++) {
        take(inputs[i]!);
        xxh64Js(inputBytes, 0, inputLength, hi, lo, halves, i * 2);
      }
      return results;
    },
    siphash24Batch(key, inputs) {
      checkKey(key);
      const results = new BigUint64Array(inputs.length);
      const halves = new Uint32Array(results.buffer);
      for (let i = 0; i < inputs.length; i++) {
        take(inputs[i]!);
        siphash24Js(key, inputBytes, 0, inputLength, halves, i * 2);
      }
      return results;
    },
  };
}
