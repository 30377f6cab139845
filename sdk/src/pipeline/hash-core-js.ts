import { xxh64Js } from '../core/lib/xxh64-js.js';
import type { HashCore } from './load-hash-core.js';

/**
 * XXH64 in pure TypeScript, for pages whose CSP forbids WebAssembly. Same results as
 * `loadCoreJs().xxh64`, without the SipHash and batch code the pipeline never calls.
 */
export async function loadJsHashCore(): Promise<HashCore> {
  const encoder = new TextEncoder();
  const result = new BigUint64Array(1);
  const halves = new Uint32Array(result.buffer);
  let scratch = new Uint8Array(1024);
  return {
    xxh64(text) {
      if (scratch.length < text.length * 3) scratch = new Uint8Array(text.length * 3);
      xxh64Js(scratch, 0, encoder.encodeInto(text, scratch).written, 0, 0, halves, 0);
      return result[0]!;
    },
  };
}
