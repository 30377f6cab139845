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
 * (`\ud800` without its pair); the appender stored them as U+FFFD, and so does this (per quoted
 * field, not over the whole append: that scan cost 2% of ingest). Backslash
 * pairs are matched as tokens first, so an escaped backslash followed by `ud...` is left alone.
 */
const ESCAPES = /\\\\|\\ud[89a-f][0-9a-f]{2}/g;
function wellFormed(text: string): string {
  return text.includes('\\ud') ? text.replace(ESCAPES, (m) => (m.length === 2 ? m : '\\ufffd')) : text;
}

/** Characters JSON.stringify would escape: strings without them are quoted by hand (cheaper). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const quote = (text: string) => (NEEDS_ESCAPE.test(text) ? wellFormed(q(text)) : `"${text}"`);

/** Quoted forms of the few-valued columns (type, country, browser, source...): anonymized values only. */
const quotedCache = new Map<string, string>();
function quoted(text: string): string {
  let hit = quotedCache.get(text);
  if (hit === undefined) {
    if (quotedCache.size >= 4096) quotedCache.clear();
    hit = wellFormed(q(text));
    quotedCache.set(text, hit);
  }
  return hit;
}

/** The columns every event of one request shares, written once per request and reused. */
function requestColumns(e: StoredEvent): string {
  return `,"received_at":${Math.trunc(e.receivedAt)},"visitor":${e.visitor},"site":${quoted(e.site)},"country":${quoted(e.country)},` +
    `"browser":${quoted(e.browser)},"os":${quoted(e.os)},"device":${quoted(e.device)}}\n`;
}

function sameRequest(a: StoredEvent, b: StoredEvent): boolean {
  return a.receivedAt === b.receivedAt && a.visitor === b.visitor && a.site === b.site && a.country === b.country &&
    a.browser === b.browser && a.os === b.os && a.device === b.device;
}

/**
 * A whole append: one JSON line per `events` row, then the group end. Hand-built because
 * JSON.stringify has no bigint: UBIGINTs go as plain integers, which DuckDB reads exactly. Times
 * are cut to integers (BIGINT columns) and a non-finite value becomes null, so every line loads.
 * Measured here: ~0.7 us per event (JSON.stringify of an object per row: ~2 us).
 */
export function journalText(events: readonly StoredEvent[]): string {
  let text = '';
  let previous: StoredEvent | undefined;
  let tail = '';
  for (const e of events) {
    if (previous === undefined || !sameRequest(e, previous)) tail = requestColumns(e);
    previous = e;
    const value = e.value !== null && Number.isFinite(e.value) ? e.value : null;
    text += `{"id_hash":${e.idHash},"type":${quoted(e.type)},"ts":${Math.trunc(e.ts)},"path":${quote(e.path)},` +
      `"name":${e.name === null ? 'null' : quote(e.name)},"value":${value},"props":${quote(e.props)},"source":${quoted(e.source)},` +
      `"utm_source":${quoted(e.utmSource)},"utm_medium":${quoted(e.utmMedium)},"utm_campaign":${quoted(e.utmCampaign)}${tail}`;
  }
  return text + GROUP_END;
}
