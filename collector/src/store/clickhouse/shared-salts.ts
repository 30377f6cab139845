import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { stringLiteral } from './sql-literal.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const SALT_BYTES = 16;

/** Options of {@link SharedSalts.open}; defaults in brackets. */
export interface SharedSaltsOptions {
  client: ClickHouseClient;
  database: string;
  /** Resolves once the `salts` table exists (the store creates the schema on first contact). */
  ready: () => Promise<unknown>;
  /** The local copy lives in `<dataDir>/salts/YYYY-MM-DD` (the embedded store's layout). */
  dataDir: string;
  /** How often to re-read ClickHouse and pre-create tomorrow's salt [60 000 ms]. */
  refreshMs?: number;
  /** Reports a failed sync (ClickHouse away); the local copy keeps serving. */
  onUnavailable?: (error: unknown) => void;
}

/**
 * Daily visitor salts shared by every collector of one ClickHouse (same `saltFor` as DailySalts).
 *
 * ClickHouse has no compare-and-set, so agreement comes from a deterministic choice and from time:
 * each collector inserts a random candidate for a day that has none, and everyone uses the candidate
 * with the smallest (created_at, salt). Tomorrow's candidates are created today, at every refresh, so
 * by midnight every collector has long read the same winner; only the very first start of a cluster
 * can briefly disagree (healed at the next refresh). Days older than yesterday are dropped for good:
 * `ALTER TABLE salts DROP PARTITION` in ClickHouse (one partition per day) and the local files.
 * While ClickHouse is away the local copy serves; a day not known yet gets a local salt, published as a
 * candidate when ClickHouse is back (if another collector's candidate wins, this one switches to it).
 */
export class SharedSalts {
  readonly #salts = new Map<number, Uint8Array>();
  readonly #options: SharedSaltsOptions;
  readonly #dir: string;
  #timer: NodeJS.Timeout | undefined;
  #syncing: Promise<void> | undefined;

  private constructor(options: SharedSaltsOptions) {
    this.#options = options;
    this.#dir = join(options.dataDir, 'salts');
    mkdirSync(this.#dir, { recursive: true });
    for (const file of readdirSync(this.#dir)) {
      const day = dayOf(file);
      const bytes = day === undefined ? undefined : readFileSync(join(this.#dir, file));
      if (day !== undefined && bytes?.length === SALT_BYTES) this.#salts.set(day, new Uint8Array(bytes));
    }
  }

  /** Loads the local copy, syncs with ClickHouse (if reachable) and refreshes every `refreshMs`. */
  static async open(options: SharedSaltsOptions, now = Date.now()): Promise<SharedSalts> {
    const salts = new SharedSalts(options);
    await salts.sync(now).catch((error) => options.onUnavailable?.(error));
    if (!salts.#salts.has(Math.floor(now / DAY_MS))) salts.#adopt(Math.floor(now / DAY_MS), new Uint8Array(randomBytes(SALT_BYTES)));
    salts.#timer = setInterval(() => void salts.sync().catch((error) => options.onUnavailable?.(error)), options.refreshMs ?? 60_000);
    salts.#timer.unref();
    return salts;
  }

  /** The salt of the UTC day of `receivedAt`. */
  saltFor(receivedAt: number): Uint8Array {
    const day = Math.floor(receivedAt / DAY_MS);
    const salt = this.#salts.get(day);
    if (salt) return salt;
    const newest = Math.max(...this.#salts.keys());
    // A request that raced the rotation belongs to the newest day still known.
    if (day < newest) return this.#salts.get(newest)!;
    // A new day that no sync has seen (ClickHouse away since yesterday): a local salt now, reconciled later.
    this.#adopt(day, new Uint8Array(randomBytes(SALT_BYTES)));
    void this.sync(receivedAt).catch((error) => this.#options.onUnavailable?.(error));
    return this.#salts.get(day)!;
  }

  /** One round: adopt the winners for yesterday..tomorrow, add missing candidates, drop older days. */
  sync(now = Date.now()): Promise<void> {
    this.#syncing ??= this.#sync(now).finally(() => (this.#syncing = undefined));
    return this.#syncing;
  }

  close(): void {
    clearInterval(this.#timer);
    if (this.#syncing) void this.#syncing.catch(() => undefined);
  }

  async #sync(now: number): Promise<void> {
    await this.#options.ready();
    const today = Math.floor(now / DAY_MS);
    let winners = await this.#winners(today - 1);
    const missing = [today, today + 1].filter((day) => !winners.has(day));
    if (missing.length > 0) {
      const rows = missing.map((day) => ({
        day: dayName(day),
        salt: Buffer.from(this.#salts.get(day) ?? randomBytes(SALT_BYTES)).toString('hex'),
        created_at: Date.now(),
      }));
      await this.#options.client.insert({ table: `${this.#options.database}.salts`, values: rows, format: 'JSONEachRow' });
      winners = await this.#winners(today - 1);
    }
    for (const [day, salt] of winners) this.#adopt(day, salt);
    await this.#dropBefore(today - 1);
  }

  async #winners(fromDay: number): Promise<Map<number, Uint8Array>> {
    const result = await this.#options.client.query({
      query: `SELECT toString(day) AS d, argMin(salt, (created_at, salt)) AS winner FROM ${this.#options.database}.salts
        WHERE day >= toDate(${stringLiteral(dayName(fromDay))}) GROUP BY d`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ d: string; winner: string }>();
    return new Map(rows.map((row) => [dayOf(row.d)!, new Uint8Array(Buffer.from(row.winner, 'hex'))]));
  }

  async #dropBefore(oldestKept: number): Promise<void> {
    const { client, database } = this.#options;
    const result = await client.query({
      query: `SELECT DISTINCT toString(day) AS d FROM ${database}.salts WHERE day < toDate(${stringLiteral(dayName(oldestKept))})`,
      format: 'JSONEachRow',
    });
    for (const { d } of await result.json<{ d: string }>()) {
      await client.command({ query: `ALTER TABLE ${database}.salts DROP PARTITION ${stringLiteral(d)}` });
    }
    for (const [day, salt] of this.#salts) {
      if (day >= oldestKept) continue;
      salt.fill(0);
      this.#salts.delete(day);
      rmSync(join(this.#dir, dayName(day)), { force: true });
    }
  }

  /** Uses `salt` for `day` and saves it locally (fsync, then rename) when it changed. */
  #adopt(day: number, salt: Uint8Array): void {
    if (salt.length !== SALT_BYTES) throw new Error(`a salt must be ${SALT_BYTES} bytes`);
    const known = this.#salts.get(day);
    if (known && Buffer.compare(known, salt) === 0) return;
    const file = join(this.#dir, dayName(day));
    const fd = openSync(`${file}.tmp`, 'w', 0o600);
    try {
      writeSync(fd, salt);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(`${file}.tmp`, file);
    known?.fill(0);
    this.#salts.set(day, salt);
  }
}

function dayName(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function dayOf(name: string): number | undefined {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(name) ? Date.parse(`${name}T00:00:00Z`) : Number.NaN;
  return Number.isNaN(ms) ? undefined : Math.floor(ms / DAY_MS);
}
