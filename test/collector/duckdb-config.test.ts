// The store opens DuckDB with DUCKDB_CONFIG: its buffer pool capped and its allocator told to give
// freed pages back (by default it kept up to 128 MiB of them, outside the pool's limit).
import { DuckDBInstance } from '@duckdb/node-api';
import { expect, test } from 'vitest';
import { DUCKDB_CONFIG } from '../../collector/src/store/duckdb-store.js';

test('DuckDB takes every setting of DUCKDB_CONFIG, and the allocator flushes at 8 MiB', async () => {
  const instance = await DuckDBInstance.create(':memory:', DUCKDB_CONFIG);
  const connection = await instance.connect();
  const rows = (await connection.runAndReadAll(
    `SELECT name, value FROM duckdb_settings() WHERE name IN ('allocator_flush_threshold', 'allocator_bulk_deallocation_flush_threshold', 'memory_limit', 'threads')`,
  )).getRows();
  connection.closeSync();
  instance.closeSync();
  expect(Object.fromEntries(rows)).toEqual({
    allocator_flush_threshold: '7.6 MiB',
    allocator_bulk_deallocation_flush_threshold: '7.6 MiB',
    memory_limit: '61.0 MiB',
    threads: '1',
  });
});
