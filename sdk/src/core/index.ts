export type { Core, HashInput } from './core.js';
export { loadCore } from './load-core.js';
export { loadCoreJs } from './load-core-js.js';
