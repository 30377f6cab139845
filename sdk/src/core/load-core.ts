import type { Core } from './core.js';
import { base64ToBytes } from './lib/base64-to-bytes.js';
import { gunzip } from './lib/gunzip.js';
import { createWasmCore } from './lib/wasm-core.js';
import { WASM_GZIP_BASE64 } from './wasm-binary.generated.js';

let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * Instantiates the embedded WebAssembly core (no fetch, no imports), in browsers, workers and Node.
 * Each call returns a new instance with its own memory; the compiled module is shared.
 * Rejects with a `WebAssembly.CompileError` where CSP forbids WebAssembly (no `'wasm-unsafe-eval'`),
 * and where `DecompressionStream` is missing: use `loadCoreJs()` there.
 */
export async function loadCore(): Promise<Core> {
  compiled ??= gunzip(base64ToBytes(WASM_GZIP_BASE64)).then((bytes) => WebAssembly.compile(bytes));
  const instance = await WebAssembly.instantiate(await compiled, {});
  return createWasmCore(instance);
}
