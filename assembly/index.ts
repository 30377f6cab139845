export { xxh64 } from './xxh64';
export { siphash24 } from './siphash24';
export { xxh64Batch, siphash24Batch } from './batch';
export { scratchBase } from './scratch';
