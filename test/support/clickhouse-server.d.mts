/** A throwaway ClickHouse server on loopback, its config, data and logs in `dir`. */
export interface ClickHouseServer {
  /** `http://127.0.0.1:PORT` (no database path). */
  readonly url: string;
  readonly port: number;
  /** Temp dir holding config.xml, users.xml, data/ and log/. */
  readonly dir: string;
  /** `SELECT version()`, e.g. `18.16.1`. */
  readonly version: string;
  /** Stops the process (SIGTERM), keeping the data so `start()` can bring it back. */
  stop(): Promise<void>;
  /** Kills the process without a clean shutdown (SIGKILL), keeping the data. */
  kill(): Promise<void>;
  /** (Re)starts on the same port with the same data; resolves once it answers. */
  start(): Promise<void>;
  /** Stops the server and deletes its temp dir. */
  dispose(): Promise<void>;
}

/** True when a `clickhouse-server` binary can be run (`CLICKHOUSE_SERVER_PATH` overrides the name). */
export function clickHouseInstalled(): boolean;
/** Starts a server on a free loopback port; resolves once `SELECT 1` answers over HTTP. */
export function startClickHouse(): Promise<ClickHouseServer>;
/** Runs one statement over HTTP and returns the trimmed text answer (throws on a non-200). */
export function sql(url: string, query: string): Promise<string>;
