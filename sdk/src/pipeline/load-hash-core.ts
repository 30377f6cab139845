import type { Core } from '../core/index.js';

/** The part of the core the pipeline uses. */
export type HashCore = Pick<Core, 'xxh64'>;

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
      const { loadCore } = await import('../core/load-core.js');
      return { core: await loadCore(), wasm: true };
    } catch {}
  }
  const { loadCoreJs } = await import('../core/load-core-js.js');
  return { core: await loadCoreJs(), wasm: false };
}
