import type { DuckDBConnection } from '@duckdb/node-api';
import type { EventType } from '../ingest/ingest-types.js';
import type { StoredEvent } from './store.js';
import { EVENT_COLUMNS as COLUMNS } from './duckdb-migrations.js';


/** Raw event rows back as `StoredEvent`s (stream recovery, rollup edges, late reconciliation). */
export async function selectEvents(connection: DuckDBConnection, where: string, params: (string | bigint)[]): Promise<StoredEvent[]> {
  const result = await connection.stream(`SELECT ${COLUMNS} FROM events WHERE ${where}`, params);
  const events: StoredEvent[] = [];
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const row of chunk.getRows()) {
      events.push({
        site: row[0] as string,
        idHash: row[1] as bigint,
        type: row[2] as EventType,
        ts: Number(row[3]),
        receivedAt: Number(row[4]),
        visitor: row[5] as bigint,
        path: row[6] as string,
        name: (row[7] as string | null) ?? null,
        value: (row[8] as number | null) ?? null,
        props: row[9] as string,
        source: row[10] as string,
        utmSource: row[11] as string,
        utmMedium: row[12] as string,
        utmCampaign: row[13] as string,
        country: row[14] as string,
        browser: row[15] as string,
        os: row[16] as string,
        device: row[17] as string,
      });
    }
  }
  return events;
}

export function eventsInRange(connection: DuckDBConnection, site: string, from: number, to: number): Promise<StoredEvent[]> {
  return selectEvents(connection, 'site = $1 AND ts >= $2::BIGINT AND ts < $3::BIGINT', [site, BigInt(Math.floor(from)), BigInt(Math.ceil(to))]);
}

export function eventsOfVisitors(connection: DuckDBConnection, site: string, visitors: readonly bigint[]): Promise<StoredEvent[]> {
  if (visitors.length === 0) return Promise.resolve([]);
  // UBIGINT literals are plain decimal digits (bigints from our own hashing, never request text).
  const list = visitors.map((v) => `${BigInt.asUintN(64, v)}::UBIGINT`).join(',');
  return selectEvents(connection, `site = $1 AND visitor IN (${list})`, [site]);
}

const EDGE_VISITORS_WHERE =
  'site = $1 AND ts >= $4::BIGINT AND ts < $5::BIGINT AND visitor IN (SELECT visitor FROM events WHERE site = $1 AND ts >= $2::BIGINT AND ts < $3::BIGINT)';

function edgeVisitorsParams(site: string, edge: { from: number; to: number }, read: { from: number; to: number }): (string | bigint)[] {
  const ms = (t: number) => BigInt(Math.floor(t));
  return [site, ms(edge.from), BigInt(Math.ceil(edge.to)), ms(read.from), BigInt(Math.ceil(read.to))];
}

export function eventsOfEdgeVisitors(
  connection: DuckDBConnection, site: string, edge: { from: number; to: number }, read: { from: number; to: number },
): Promise<StoredEvent[]> {
  return selectEvents(connection, EDGE_VISITORS_WHERE, edgeVisitorsParams(site, edge, read));
}

/** How many rows `eventsOfEdgeVisitors` would return, counted inside DuckDB (nothing materialized here). */
export async function countEventsOfEdgeVisitors(
  connection: DuckDBConnection, site: string, edge: { from: number; to: number }, read: { from: number; to: number },
): Promise<number> {
  const result = await connection.runAndReadAll(`SELECT count(*) FROM events WHERE ${EDGE_VISITORS_WHERE}`, edgeVisitorsParams(site, edge, read));
  return Number(result.getRows()[0]![0] as bigint);
}

export function eventsSince(connection: DuckDBConnection, sinceMs: number): Promise<StoredEvent[]> {
  return selectEvents(connection, 'ts >= $1::BIGINT', [BigInt(Math.floor(sinceMs))]);
}

export function eventsBetween(connection: DuckDBConnection, by: 'ts' | 'receivedAt', from: number, to: number): Promise<StoredEvent[]> {
  const column = by === 'ts' ? 'ts' : 'received_at';
  return selectEvents(connection, `${column} >= $1::BIGINT AND ${column} < $2::BIGINT`, [BigInt(Math.floor(from)), BigInt(Math.ceil(to))]);
}
