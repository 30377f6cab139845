// The helper is plain ESM (clickhouse-server.mjs) so benches can import it without a TypeScript step.
export { clickHouseInstalled, startClickHouse, sql } from './clickhouse-server.mjs';
export type { ClickHouseServer } from './clickhouse-server.mjs';
