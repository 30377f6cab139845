import type { HashCore } from './load-hash-core.js';
import { XXH64_WASM } from './xxh64-wasm.generated.js';

/** The exports of the SDK's module: build/core.wasm cut down to `xxh64` by scripts/embed-wasm.mjs. */
interface Xxh64Exports {
  readonly memory: WebAssembly.Memory;
  scratchBase(): number;
  xxh64(ptr: number, len: number, seedLo: number, seedHi: number): bigint;
}

/**
 * XXH64 with the AssemblyScript core, cut down to the one function the pipeline calls (the full
 * `wisp/core` also carries SipHash and batch APIs: ~1 KB gzip the browser never needs). Rejects with
 * a `WebAssembly.CompileError` where CSP forbids WebAssembly: use `loadJsHashCore()` there.
 */
export async function loadWasmHashCore(): Promise<HashCore> {
  const bytes = Uint8Array.from(XXH64_WASM, (char) => char.charCodeAt(0));
  const { exports } = await WebAssembly.instantiate(await WebAssembly.compile(bytes), {});
  const wasm = exports as unknown as Xxh64Exports;
  const encoder = new TextEncoder();
  const ptr = wasm.scratchBase();
  let memory = new Uint8Array(wasm.memory.buffer);
  return {
    xxh64(text) {
      // The module never grows its memory (it may start with none): this side does, and growing
      // detaches the old view, so it is re-created.
      const missing = ptr + text.length * 3 - memory.length;
      if (missing > 0) {
        wasm.memory.grow(Math.ceil(missing / 65536));
        memory = new Uint8Array(wasm.memory.buffer);
      }
      return BigInt.asUintN(64, wasm.xxh64(ptr, encoder.encodeInto(text, memory.subarray(ptr)).written, 0, 0));
    },
  };
}
