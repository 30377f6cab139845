/** The part of the hashing core the pipeline uses: XXH64 of a string's UTF-8 bytes, seed 0. */
export interface HashCore {
  xxh64(text: string): bigint;
}

/** The smallest valid module (magic + version): compiling it tells whether CSP allows WebAssembly. */
const EMPTY_MODULE = Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0);

function wasmAllowed(): boolean {
  try {
    return typeof WebAssembly === 'object' && !!new WebAssembly.Module(EMPTY_MODULE);
  } catch {
    return false; // CompileError without 'wasm-unsafe-eval' (TOOLCHAIN.md)
  }
}

/**
 * The WebAssembly core, or the pure-JS one where WebAssembly is not allowed. Each is its own lazily
 * imported chunk, so a page loads one of them, not both.
 */
export async function loadHashCore(): Promise<{ core: HashCore; wasm: boolean }> {
  if (wasmAllowed()) {
    try {
      const { loadWasmHashCore } = await import('./hash-core-wasm.js');
      return { core: await loadWasmHashCore(), wasm: true };
    } catch {}
  }
  const { loadJsHashCore } = await import('./hash-core-js.js');
  return { core: await loadJsHashCore(), wasm: false };
}
