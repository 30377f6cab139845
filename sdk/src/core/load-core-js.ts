import type { Core } from './core.js';
import { createJsCore } from './lib/js-core.js';

/**
 * The pure TypeScript core, for places where WebAssembly is not allowed. Same interface and results
 * as `loadCore()`; async only so the two are interchangeable.
 */
export async function loadCoreJs(): Promise<Core> {
  return createJsCore();
}
