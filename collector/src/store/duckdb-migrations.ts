import type { DuckDBConnection } from '@duckdb/node-api';

/** The `events` table's columns, in the order the store writes and reads them. */
export const EVENT_COLUMNS = `site, id_hash, type, ts, received_at, visitor, path, name, value, props, source,
  utm_source, utm_medium, utm_campaign, country, browser, os, device`;

/**
 * Schema migrations, applied in order, each in its own transaction, recorded in
 * `schema_migrations`. Append only: never edit a released migration (docs/storage.md).
 */
export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'events table',
    sql: `
      CREATE TABLE events (
        site         VARCHAR NOT NULL,
        id_hash      UBIGINT NOT NULL,
        type         VARCHAR NOT NULL,
        ts           BIGINT  NOT NULL,
        received_at  BIGINT  NOT NULL,
        visitor      UBIGINT NOT NULL,
        path         VARCHAR NOT NULL,
        name         VARCHAR,
        value        DOUBLE,
        props        VARCHAR NOT NULL,
        source       VARCHAR NOT NULL,
        utm_source   VARCHAR NOT NULL,
        utm_medium   VARCHAR NOT NULL,
        utm_campaign VARCHAR NOT NULL,
        country      VARCHAR NOT NULL,
        browser      VARCHAR NOT NULL,
        os           VARCHAR NOT NULL,
        device       VARCHAR NOT NULL
      )`,
  },
  {
    version: 2,
    name: 'journal load position',
    // The newest journal segment loaded into `events`, written in the load's own transaction.
    sql: `CREATE TABLE journal_state (loaded_seq BIGINT NOT NULL); INSERT INTO journal_state VALUES (0)`,
  },
];

/** Brings the database to the latest schema version. */
export async function migrate(connection: DuckDBConnection): Promise<void> {
  await connection.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`);
  const reader = await connection.runAndReadAll('SELECT coalesce(max(version), 0)::INTEGER AS v FROM schema_migrations');
  const current = reader.getRowObjectsJS()[0]!.v as number;
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    await connection.run('BEGIN TRANSACTION');
    try {
      await connection.run(migration.sql);
      await connection.run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      await connection.run('COMMIT');
    } catch (error) {
      await connection.run('ROLLBACK');
      throw error;
    }
  }
}
