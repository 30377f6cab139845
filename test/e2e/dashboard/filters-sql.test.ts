// filterConditions against a real (in-memory) DuckDB with the columns of the collector's events
// table: each dimension keeps exactly the events docs/dashboard.md says it keeps.
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterConditions } from '../../../collector/dashboard/filters-sql.js';
import { parseFilters } from '../../../collector/dashboard/filters.js';

const RANGE_WHERE = 'site = $1 AND ts >= $2::BIGINT AND ts < $3::BIGINT';
let connection: Awaited<ReturnType<DuckDBInstance['connect']>>;

beforeAll(async () => {
  connection = await (await DuckDBInstance.create(':memory:')).connect();
  await connection.run(`CREATE TABLE events (site VARCHAR, type VARCHAR, ts BIGINT, visitor UBIGINT, path VARCHAR,
    name VARCHAR, source VARCHAR, country VARCHAR, browser VARCHAR, os VARCHAR, device VARCHAR)`);
  // visitor 1: DE, Chrome, from HN, views /a then /b, signs up on /b. visitor 2: US, Safari, direct, views /b.
  // visitor 3: DE on another site (must never count).
  await connection.run(`INSERT INTO events VALUES
    ('s', 'pageview', 10, 1, '/a', NULL, 'news.ycombinator.com', 'DE', 'Chrome', 'Windows', 'desktop'),
    ('s', 'pageview', 20, 1, '/b', NULL, '', 'DE', 'Chrome', 'Windows', 'desktop'),
    ('s', 'event',    30, 1, '/b', 'signup', '', 'DE', 'Chrome', 'Windows', 'desktop'),
    ('s', 'pageview', 15, 2, '/b', NULL, '', 'US', 'Safari', 'iOS', 'mobile'),
    ('s', 'pageview', 99, 2, '/a', NULL, '', 'US', 'Safari', 'iOS', 'mobile'),
    ('t', 'pageview', 12, 3, '/a', NULL, 'news.ycombinator.com', 'DE', 'Chrome', 'Windows', 'desktop')`);
});

afterAll(() => connection?.closeSync());

/** Pageviews and visitors of site s in [0, 50) under `filters`. */
async function count(filters: string): Promise<[number, number]> {
  const params: (string | bigint)[] = ['s', 0n, 50n];
  const conditions = filterConditions(parseFilters(filters), (v) => `$${params.push(v)}`, RANGE_WHERE);
  const sql = `SELECT count(*) FILTER (WHERE type = 'pageview')::INTEGER AS pv, count(DISTINCT visitor)::INTEGER AS v
    FROM events WHERE ${[RANGE_WHERE, ...conditions].join(' AND ')}`;
  const row = (await connection.runAndReadAll(sql, params)).getRowObjectsJS()[0]!;
  return [row.pv as number, row.v as number];
}

describe('filterConditions', () => {
  it.each([
    ['', [3, 2]],
    ['page:/b', [2, 2]],
    ['country:DE', [2, 1]],
    ['browser:Safari', [1, 1]],
    ['os:Windows;device:desktop', [2, 1]],
    ['source:news.ycombinator.com', [2, 1]], // the visitor's later, internal pageview counts too
    ['event:signup', [2, 1]],
    ['event:signup;page:/a', [1, 1]],
    ['country:FR', [0, 0]],
  ] as const)('%j keeps %j (pageviews, visitors)', async (filters, expected) => {
    expect(await count(filters)).toEqual(expected);
  });

  it('writes values only through the callback (no injection through a value)', () => {
    const conditions = filterConditions(parseFilters(`page:/x' OR 1=1 --`), () => '?', RANGE_WHERE);
    expect(conditions).toEqual(['path = ?']);
  });
});
