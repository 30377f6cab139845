import type { EventType } from '../../ingest/ingest-types.js';
import type { StoredEvent } from '../store.js';
import { integerLiteral, stringLiteral } from './sql-literal.js';

type Select = (sql: string) => Promise<Record<string, unknown>[]>;

const COLUMNS = `site, id_hash, type, ts, received_at, visitor, path, name, value, props, source,
  utm_source, utm_medium, utm_campaign, country, browser, os, device`;

/** A JSONEachRow row back as a `StoredEvent` (64-bit integers arrive as decimal strings). */
function toStoredEvent(row: Record<string, unknown>): StoredEvent {
  const text = (key: string) => String(row[key] ?? '');
  return {
    site: text('site'),
    idHash: BigInt(text('id_hash')),
    type: text('type') as EventType,
    ts: Number(row.ts),
    receivedAt: Number(row.received_at),
    visitor: BigInt(text('visitor')),
    path: text('path'),
    name: row.name === null || row.name === undefined ? null : String(row.name),
    value: row.value === null || row.value === undefined ? null : Number(row.value),
    props: text('props') || '{}',
    source: text('source'),
    utmSource: text('utm_source'),
    utmMedium: text('utm_medium'),
    utmCampaign: text('utm_campaign'),
    country: text('country'),
    browser: text('browser'),
    os: text('os'),
    device: text('device'),
  };
}

/** Plain SELECTs of raw rows for the stream stages (recovery, edges, late reconciliation). */
export function clickHouseEventReads(select: Select, database: string) {
  const read = async (where: string) => (await select(`SELECT ${COLUMNS} FROM ${database}.events WHERE ${where}`)).map(toStoredEvent);
  return {
    eventsInRange: (site: string, from: number, to: number) =>
      read(`site = ${stringLiteral(site)} AND ts >= ${integerLiteral(Math.floor(from))} AND ts < ${integerLiteral(Math.ceil(to))}`),
    eventsOfVisitors: async (site: string, visitors: readonly bigint[]) =>
      visitors.length === 0
        ? []
        : read(`site = ${stringLiteral(site)} AND visitor IN (${visitors.map((v) => BigInt.asUintN(64, v).toString()).join(',')})`),
    eventsSince: (sinceMs: number) => read(`ts >= ${integerLiteral(Math.floor(sinceMs))}`),
  };
}
