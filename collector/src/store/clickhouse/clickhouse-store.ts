import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Stats, StatsQuery } from '../../stats/stats-types.js';
import type { IdHashRow, Store, StoredEvent } from '../store.js';
import { clickHouseEventReads } from './clickhouse-event-rows.js';
import { queryClickHouseStats, type StatsReader } from './clickhouse-stats.js';
import { compactClosedDays } from './compaction.js';
import { fillRollups } from './rollup-fill.js';
import { fillSessionRollups } from './session-rollup-fill.js';
import { parseClickHouseUrl, type ClickHouseTarget } from './connection-url.js';
import { eventRowLine } from './event-row.js';
import { Journal } from './journal.js';
import { readSegmentIdHashes } from './segment-id-hashes.js';
import { schemaStatements } from './schema.js';
import { isMissingSchema, isServerError, isUnparsableInput } from './server-error.js';
import { featuresOf, type ServerFeatures } from './server-features.js';
import { SharedSalts } from './shared-salts.js';
import { Shipper, type InsertReport } from './shipper.js';
import { integerLiteral } from './sql-literal.js';
import { StoreUnavailableError } from './store-unavailable-error.js';

/** Options of {@link ClickHouseStore.open}; defaults in brackets. */
export interface ClickHouseStoreOptions {
  /** `WISP_DATA_DIR`: the local buffer lives in `<dataDir>/clickhouse-buffer/`. */
  dataDir: string;
  /** `WISP_CLICKHOUSE_URL`, e.g. `http://127.0.0.1:8123/wisp` (database from the path, created if missing). */
  url: string;
  /** Minimum time between two inserts [1000 ms]. */
  insertIntervalMs?: number;
  /** Bytes the local buffer may hold while ClickHouse is away; appends beyond get 503 [1 GiB, ~2.5M events]. */
  maxBufferBytes?: number;
  /** Called after every insert attempt (metrics); failures also arrive here, nothing is logged. */
  onInsert?: (report: InsertReport) => void;
  /** Called when a read that may fail during an outage did fail and was skipped (see `scanIdHashes`). */
  onUnavailable?: (error: unknown) => void;
  /** Time between two merges of the closed days into one part each (see compaction.ts) [10 min]. */
  compactIntervalMs?: number;
}

const BUFFER_DIR = 'clickhouse-buffer';
const CLOSE_FLUSH_MS = 2_000;
/** Default bound of the local buffer (`WISP_CLICKHOUSE_BUFFER_MB`), ~2.5 M events. */
export const DEFAULT_BUFFER_BYTES = 1024 * 1024 * 1024;

/**
 * The `Store` on ClickHouse (`WISP_STORE=clickhouse`). Appends go to a local fsynced journal (that is
 * what a 202 promises) and a shipper moves it into ClickHouse in batches, at most once per second;
 * while ClickHouse is down the journal keeps accepting up to its bound, then appends get 503.
 * Stats first wait for what was acknowledged to be inserted, so a client reads its own writes.
 */
export class ClickHouseStore implements Store {
  #features: ServerFeatures | undefined;
  #compactTimer: NodeJS.Timeout | undefined;
  #compacting: Promise<number> | undefined;
  #maxBufferBytes = DEFAULT_BUFFER_BYTES;
  /** A third of the server's `max_memory_usage` (0 when unlimited): where the sessions query spills to disk. */
  #spillBytes = 0;

  private constructor(
    readonly client: ClickHouseClient,
    readonly target: ClickHouseTarget,
    private readonly journal: Journal,
    private readonly shipper: Shipper,
    private readonly onUnavailable: (error: unknown) => void,
  ) {}

  /**
   * Opens the buffer and starts shipping. ClickHouse may be down at this point: the schema is then
   * created before the first insert that gets through.
   */
  static async open(options: ClickHouseStoreOptions): Promise<ClickHouseStore> {
    const target = parseClickHouseUrl(options.url);
    const client = createClient({
      url: target.url,
      username: target.username,
      password: target.password,
      request_timeout: 30_000,
      log: { level: ClickHouseLogLevel.OFF },
    });
    const maxBufferBytes = options.maxBufferBytes ?? DEFAULT_BUFFER_BYTES;
    const journal = new Journal({ dir: join(options.dataDir, BUFFER_DIR), maxBytes: maxBufferBytes });
    let store: ClickHouseStore | undefined = undefined;
    const shipper = new Shipper({
      journal,
      insert: (body) => store!.#insert(body),
      insertIntervalMs: options.insertIntervalMs,
      isUnparsable: isUnparsableInput,
      onInsert: options.onInsert,
    });
    store = new ClickHouseStore(client, target, journal, shipper, options.onUnavailable ?? (() => undefined));
    store.#maxBufferBytes = maxBufferBytes;
    await store.ready().catch(store.onUnavailable);
    shipper.start();
    store.#compactTimer = setInterval(() => void store!.compact().catch(store!.onUnavailable), options.compactIntervalMs ?? 10 * 60_000);
    store.#compactTimer.unref();
    return store;
  }

  /** Server version and feature flags once connected (undefined while ClickHouse was never reached). */
  get features(): ServerFeatures | undefined {
    return this.#features;
  }

  /** Bytes accepted but not yet in ClickHouse. */
  get bufferedBytes(): number {
    return this.journal.bytes;
  }

  /** Bytes the local buffer may hold; appends beyond get 503 store_full. */
  get maxBufferBytes(): number {
    return this.#maxBufferBytes;
  }

  /**
   * Merges closed days into one part each (compaction.ts), then fills the rollups of the merged closed
   * days that have none yet (rollup-fill.ts, session-rollup-fill.ts); runs every `compactIntervalMs`, one run at a time.
   * Resolves to the number of partitions merged.
   */
  compact(now = Date.now()): Promise<number> {
    this.#compacting ??= (async () => {
      await this.ready();
      const select = (sql: string) => this.#select(sql);
      const command = (sql: string) => this.#command(sql);
      const merged = await compactClosedDays(select, command, this.target.database, now);
      await fillRollups(select, command, this.target.database, now);
      await fillSessionRollups(select, command, this.target.database, now, this.#spillBytes);
      return merged;
    })().finally(() => {
      this.#compacting = undefined;
    });
    return this.#compacting;
  }

  /** Connects, detects the server version and creates the database and tables (idempotent). */
  async ready(): Promise<ServerFeatures> {
    if (this.#features) return this.#features;
    const result = await this.client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
    const [row] = await result.json<{ version: string }>();
    const features = featuresOf(row!.version);
    const memory = await this.#select(`SELECT value FROM system.settings WHERE name = 'max_memory_usage'`);
    this.#spillBytes = Math.floor(Number(memory[0]?.value ?? 0) / 3) || 0;
    for (const statement of schemaStatements(this.target.database, features)) await this.client.command({ query: statement });
    this.#features = features;
    return features;
  }

  /**
   * The daily visitor salts shared through ClickHouse by every collector using this database; pass
   * them to the pipeline instead of the data dir's DailySalts. Close them before the store.
   */
  openSharedSalts(dataDir: string, now = Date.now()): Promise<SharedSalts> {
    return SharedSalts.open(
      { client: this.client, database: this.target.database, dataDir, ready: () => this.ready(), onUnavailable: this.onUnavailable },
      now,
    );
  }

  /** Durable once the journal's fsync returned; throws StoreFullError (503) when the buffer is full. */
  async append(events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.journal.append(events.map(eventRowLine).join(''));
  }

  /**
   * Dedupe keys received since `sinceMs`: first the ones still in the local buffer, then ClickHouse's
   * (every collector's, so a retry that moved to this collector is recognised). When ClickHouse is
   * unreachable the second part is skipped (reported to `onUnavailable`): duplicates accepted meanwhile
   * still count once, because every read collapses equal (site, id_hash) rows.
   */
  async *scanIdHashes(sinceMs: number): AsyncIterable<readonly IdHashRow[]> {
    for (const segment of [...this.journal.sealed]) {
      const rows = await readSegmentIdHashes(segment.path, sinceMs);
      if (rows.length > 0) yield rows;
    }
    let result;
    try {
      await this.ready();
      result = await this.client.query({
        query: `SELECT id_hash, received_at FROM ${this.target.database}.events
          WHERE received_at >= ${integerLiteral(Math.floor(sinceMs))}`,
        format: 'JSONEachRow', // 18.16 has no JSONCompactEachRow
      });
    } catch (error) {
      if (isServerError(error)) throw error;
      this.onUnavailable(error);
      return;
    }
    for await (const chunk of result.stream<{ id_hash: string; received_at: string }>()) {
      yield chunk.map((row) => {
        const { id_hash: idHash, received_at: receivedAt } = row.json();
        return { idHash: BigInt(idHash), receivedAt: Number(receivedAt) };
      });
    }
  }

  eventsInRange(site: string, from: number, to: number): Promise<StoredEvent[]> {
    return this.#reads().eventsInRange(site, from, to);
  }

  eventsOfVisitors(site: string, visitors: readonly bigint[]): Promise<StoredEvent[]> {
    return this.#reads().eventsOfVisitors(site, visitors);
  }

  /** Rows already shipped (at start the journal is shipped first, so they are all there soon after). */
  eventsSince(sinceMs: number): Promise<StoredEvent[]> {
    return this.#reads().eventsSince(sinceMs);
  }

  #reads() {
    return clickHouseEventReads((sql) => this.#select(sql), this.target.database);
  }

  async stats(query: StatsQuery): Promise<Stats> {
    try {
      await this.shipper.flush();
      await this.ready();
      return await queryClickHouseStats(this.#statsReader, this.target.database, query, { spillBytes: this.#spillBytes });
    } catch (error) {
      throw isServerError(error) ? error : new StoreUnavailableError(error);
    }
  }

  /** Ships what it can within 2 s, then stops; the rest stays in the buffer for the next start. */
  async close(): Promise<void> {
    clearInterval(this.#compactTimer);
    await this.#compacting?.catch(() => undefined);
    const timer = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_FLUSH_MS).unref());
    await Promise.race([this.shipper.flush().catch(() => undefined), timer]);
    await this.shipper.stop();
    await this.journal.close();
    await this.client.close();
  }

  async #insert(body: Readable): Promise<void> {
    await this.ready();
    try {
      const result = await this.client.exec({
        query: `INSERT INTO ${this.target.database}.events FORMAT JSONEachRow`,
        values: body,
        clickhouse_settings: { input_format_skip_unknown_fields: 1 },
      });
      result.stream.destroy();
    } catch (error) {
      if (isMissingSchema(error)) this.#features = undefined; // created again before the retry
      throw error;
    }
  }

  async #select(sql: string): Promise<Record<string, unknown>[]> {
    const result = await this.client.query({ query: sql, format: 'JSONEachRow' });
    return result.json<Record<string, unknown>>();
  }

  readonly #statsReader: StatsReader = {
    rows: (sql) => this.#select(sql),
    rowsWithTotals: async (sql) => {
      const result = await this.client.query({ query: sql, format: 'JSON' });
      const { data, totals } = await result.json<{ data: Record<string, unknown>[]; totals?: Record<string, unknown> }>();
      return { rows: data, totals: totals ?? {} };
    },
  };

  async #command(sql: string): Promise<void> {
    await this.client.command({ query: sql });
  }
}
