import { resolve } from 'node:path';

/** Everything the collector reads from its environment (contract: "Collector" env vars). */
export interface CollectorConfig {
  /** Listen address (`WISP_HOST`, default 127.0.0.1). */
  host: string;
  /** Listen port (`WISP_PORT`, default 8787; 0 picks a free port). */
  port: number;
  /** Where the embedded store, salts and the token live (`WISP_DATA_DIR`, default ./data). */
  dataDir: string;
  /** Bearer token from `WISP_TOKEN`; undefined means "load or generate one in the data dir". */
  token: string | undefined;
  /** `WISP_STORE`: embedded DuckDB (default) or ClickHouse. */
  store: 'embedded' | 'clickhouse';
  /** `WISP_CLICKHOUSE_URL`, required when `store` is clickhouse. */
  clickhouseUrl: string | undefined;
  /** `WISP_CLICKHOUSE_BUFFER_MB`: bound of the local buffer in front of ClickHouse, bytes (default 1024 MiB). */
  clickhouseBufferBytes: number;
  /** `WISP_TRUST_PROXY=1`: take the client IP from X-Forwarded-For. */
  trustProxy: boolean;
  /** `WISP_SITES`: site ids allowed to send events; undefined = any well-formed id. */
  sites: ReadonlySet<string> | undefined;
  /** `WISP_RATE_LIMIT`: ingest requests per second per client IP (burst 4x); 0 disables. Default 50. */
  rateLimitPerSecond: number;
  /**
   * `WISP_DEDUPE_MEMORY_KEYS`: dedupe keys of one arrival day held in memory before they are written
   * to a run file in the data dir (default 524,288: ~8 MB). Lower trades memory for more files.
   */
  dedupeMemoryKeys: number;
  /** `--demo`: serve demo/ under /demo/. */
  demo: boolean;
}

/** Thrown for a bad environment or argument; the CLI prints the message and exits 1. */
export class ConfigError extends Error {}

function integer(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new ConfigError(`${name} must be an integer in 0..${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Reads the contract's env vars (and `--demo`), validating each with a clear message. */
export function readConfig(env: NodeJS.ProcessEnv, argv: readonly string[] = []): CollectorConfig {
  const store = env.WISP_STORE || 'embedded';
  if (store !== 'embedded' && store !== 'clickhouse') {
    throw new ConfigError(`WISP_STORE must be "embedded" or "clickhouse", got ${JSON.stringify(store)}`);
  }
  if (store === 'clickhouse' && !env.WISP_CLICKHOUSE_URL) {
    throw new ConfigError('WISP_STORE=clickhouse needs WISP_CLICKHOUSE_URL');
  }
  const sites = env.WISP_SITES?.split(',').map((site) => site.trim()).filter(Boolean);
  const bufferMb = integer('WISP_CLICKHOUSE_BUFFER_MB', env.WISP_CLICKHOUSE_BUFFER_MB, 1024, 1_048_576);
  if (bufferMb === 0) throw new ConfigError('WISP_CLICKHOUSE_BUFFER_MB must be at least 1');
  const dedupeMemoryKeys = integer('WISP_DEDUPE_MEMORY_KEYS', env.WISP_DEDUPE_MEMORY_KEYS, 1 << 19, 1 << 26);
  if (dedupeMemoryKeys === 0) throw new ConfigError('WISP_DEDUPE_MEMORY_KEYS must be at least 1');
  for (const arg of argv) {
    if (arg !== '--demo') throw new ConfigError(`unknown argument ${JSON.stringify(arg)} (usage: wisp-collector [--demo])`);
  }
  return {
    host: env.WISP_HOST || '127.0.0.1',
    port: integer('WISP_PORT', env.WISP_PORT, 8787, 65535),
    dataDir: resolve(env.WISP_DATA_DIR || './data'),
    token: env.WISP_TOKEN || undefined,
    store,
    clickhouseUrl: env.WISP_CLICKHOUSE_URL || undefined,
    clickhouseBufferBytes: bufferMb * 1024 * 1024,
    trustProxy: env.WISP_TRUST_PROXY === '1',
    sites: sites && sites.length > 0 ? new Set(sites) : undefined,
    rateLimitPerSecond: integer('WISP_RATE_LIMIT', env.WISP_RATE_LIMIT, 50, 1_000_000),
    dedupeMemoryKeys,
    demo: argv.includes('--demo'),
  };
}
