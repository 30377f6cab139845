/** Where and as whom to reach ClickHouse, read from `WISP_CLICKHOUSE_URL`. */
export interface ClickHouseTarget {
  /** Origin of the HTTP interface, e.g. `http://127.0.0.1:8123`. */
  url: string;
  /** Database from the URL path (`/wisp`), default `wisp`; created when missing. */
  database: string;
  username: string;
  password: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Parses `http(s)://[user[:password]@]host:port[/database]`. The database name ends up in SQL text
 * (18.16 has no query parameters, and identifiers cannot be parameters anyway), so it must be a plain
 * identifier.
 */
export function parseClickHouseUrl(raw: string): ClickHouseTarget {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new Error(`WISP_CLICKHOUSE_URL is not a URL: ${JSON.stringify(raw)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`WISP_CLICKHOUSE_URL must be http:// or https:// (the HTTP interface), got ${parsed.protocol}`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\/+|\/+$/g, '')) || 'wisp';
  if (!IDENTIFIER.test(database)) {
    throw new Error(`WISP_CLICKHOUSE_URL database must be a plain identifier, got ${JSON.stringify(database)}`);
  }
  return {
    url: parsed.origin,
    database,
    username: decodeURIComponent(parsed.username) || 'default',
    password: decodeURIComponent(parsed.password),
  };
}
