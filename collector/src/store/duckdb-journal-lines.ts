import type { StoredEvent } from './store.js';

/**
 * Ends every append in the DuckDB journal: a torn write is cut back to the last one at recovery, so
 * a group of requests is stored whole or not at all. It reads as a row of NULLs, which the load skips.
 */
export const GROUP_END = '{}\n';

/** The `read_json` column types of a journal line: the `events` table's columns (docs/storage.md). */
export const JOURNAL_COLUMNS = `{site: 'VARCHAR', id_hash: 'UBIGINT', type: 'VARCHAR', ts: 'BIGINT', received_at: 'BIGINT',
  visitor: 'UBIGINT', path: 'VARCHAR', name: 'VARCHAR', value: 'DOUBLE', props: 'VARCHAR', source: 'VARCHAR',
  utm_source: 'VARCHAR', utm_medium: 'VARCHAR', utm_campaign: 'VARCHAR', country: 'VARCHAR', browser: 'VARCHAR',
  os: 'VARCHAR', device: 'VARCHAR'}`;

const q = JSON.stringify;

/**
 * Lone surrogates are the one thing JSON.stringify writes that DuckDB's JSON reader refuses
 * (`\ud800` without its pair); the appender stored them as U+FFFD, and so does this. Backslash
 * pairs are matched as tokens first, so an escaped backslash followed by `ud...` is left alone.
 */
const ESCAPES = /\\\\|\\ud[89a-f][0-9a-f]{2}/g;
function wellFormed(line: string): string {
  return line.includes('\\ud') ? line.replace(ESCAPES, (m) => (m.length === 2 ? m : '\\ufffd')) : line;
}

/**
 * One `events` row as a JSON line. Hand-built because JSON.stringify has no bigint: UBIGINTs go as
 * plain integers, which DuckDB reads exactly. Times are cut to integers (BIGINT columns) and a
 * non-finite value becomes null, so every line loads.
 */
export function journalLine(e: StoredEvent): string {
  const value = e.value !== null && Number.isFinite(e.value) ? e.value : null;
  return wellFormed(
    `{"site":${q(e.site)},"id_hash":${e.idHash},"type":${q(e.type)},"ts":${Math.trunc(e.ts)},"received_at":${Math.trunc(e.receivedAt)},` +
      `"visitor":${e.visitor},"path":${q(e.path)},"name":${e.name === null ? 'null' : q(e.name)},"value":${value},"props":${q(e.props)},` +
      `"source":${q(e.source)},"utm_source":${q(e.utmSource)},"utm_medium":${q(e.utmMedium)},"utm_campaign":${q(e.utmCampaign)},` +
      `"country":${q(e.country)},"browser":${q(e.browser)},"os":${q(e.os)},"device":${q(e.device)}}\n`,
  );
}

/** A whole append: the rows' lines, then the group end. */
export function journalText(events: readonly StoredEvent[]): string {
  let text = '';
  for (const e of events) text += journalLine(e);
  return text + GROUP_END;
}
