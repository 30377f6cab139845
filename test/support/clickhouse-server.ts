// The helper is plain ESM (clickhouse-server.mjs) so benches can import it without a TypeScript step.
// Tests use this wrapper: under CI a missing clickhouse-server throws instead of skipping.
import { clickHouseInstalled as binaryFound } from './clickhouse-server.mjs';
import { toolAvailable } from './required-tool.js';

export { startClickHouse, sql } from './clickhouse-server.mjs';
export type { ClickHouseServer } from './clickhouse-server.mjs';

/** True when clickhouse-server can run; false (skip, with a reason) locally; throws when `CI` is set. */
export function clickHouseInstalled(): boolean {
  return toolAvailable('clickhouse-server', binaryFound());
}
