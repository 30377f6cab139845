export { ClickHouseStore, type ClickHouseStoreOptions } from './clickhouse-store.js';
export { SharedSalts, type SharedSaltsOptions } from './shared-salts.js';
export type { InsertReport } from './shipper.js';
export { StoreFullError } from './store-full-error.js';
export { StoreUnavailableError } from './store-unavailable-error.js';
