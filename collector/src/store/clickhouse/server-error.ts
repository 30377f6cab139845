import { ClickHouseError } from '@clickhouse/client';

/**
 * True when ClickHouse itself answered with an error (a bug in our SQL or schema), false for a network
 * failure or timeout (ClickHouse away). The client only recognises current servers' messages, which
 * end in `(ERROR_NAME)`; 18.16 answers `Code: N, e.displayText() = DB::Exception: ...` without it.
 */
export function isServerError(error: unknown): boolean {
  return error instanceof ClickHouseError || (error instanceof Error && /^Code: \d+/.test(error.message));
}
