import { ClickHouseError } from '@clickhouse/client';

/**
 * True when ClickHouse itself answered with an error (a bug in our SQL or schema), false for a network
 * failure or timeout (ClickHouse away). The client only recognises current servers' messages, which
 * end in `(ERROR_NAME)`; 18.16 answers `Code: N, e.displayText() = DB::Exception: ...` without it.
 */
export function isServerError(error: unknown): boolean {
  return serverErrorCode(error) !== undefined;
}

/** The ClickHouse error code of a server error, undefined for anything else. */
export function serverErrorCode(error: unknown): number | undefined {
  if (error instanceof ClickHouseError) return Number(error.code);
  const match = error instanceof Error ? /^Code: (\d+)/.exec(error.message) : null;
  return match ? Number(match[1]) : undefined;
}

// CANNOT_PARSE_TEXT, CANNOT_PARSE_QUOTED_STRING, CANNOT_PARSE_INPUT_ASSERTION_FAILED,
// ATTEMPT_TO_READ_AFTER_EOF, CANNOT_PARSE_DATE, CANNOT_PARSE_DATETIME, TYPE_MISMATCH,
// CANNOT_CONVERT_TYPE, CANNOT_PARSE_NUMBER, INCORRECT_DATA.
const UNPARSABLE = new Set([6, 26, 27, 32, 38, 41, 53, 70, 72, 117]);

/** True when ClickHouse refused the rows themselves: retrying the same bytes can never succeed. */
export function isUnparsableInput(error: unknown): boolean {
  const code = serverErrorCode(error);
  return code !== undefined && UNPARSABLE.has(code);
}

// UNKNOWN_TABLE, UNKNOWN_DATABASE: someone dropped them; the schema is created again.
const MISSING_SCHEMA = new Set([60, 81]);

/** True when the table or database is gone. */
export function isMissingSchema(error: unknown): boolean {
  const code = serverErrorCode(error);
  return code !== undefined && MISSING_SCHEMA.has(code);
}
