import { HttpError } from '../http/http-error.js';

/**
 * `filters=` of `GET /api/stats` (docs/dashboard.md: `page:/pricing;country:DE;event:signup`, all must
 * hold). The syntax and semantics are the dashboard's (`collector/dashboard/filters.ts` and
 * `filters-sql.ts`); they are restated here because the collector compiles only `src/`.
 */
export interface StatsFilter {
  dimension: 'page' | 'source' | 'country' | 'browser' | 'os' | 'device' | 'event';
  value: string;
}

const MAX_FILTERS_LENGTH = 2048;
// Dimensions whose value is a column of the event itself (country..device are constant per visitor).
const EVENT_COLUMNS: Record<string, string> = { page: 'path', country: 'country', browser: 'browser', os: 'os', device: 'device' };
const DIMENSIONS = new Set(['page', 'source', 'country', 'browser', 'os', 'device', 'event']);

function bad(detail: string): never {
  throw new HttpError(400, 'bad_filters', detail);
}

/** Parses `filters=`; a later pair replaces an earlier one of the same dimension. 400 when malformed. */
export function parseStatsFilters(raw: string | null): StatsFilter[] {
  if (!raw) return [];
  if (raw.length > MAX_FILTERS_LENGTH) bad(`filters longer than ${MAX_FILTERS_LENGTH} characters`);
  const byDimension = new Map<StatsFilter['dimension'], string>();
  for (const pair of raw.split(';')) {
    if (pair === '') continue;
    const colon = pair.indexOf(':');
    if (colon <= 0) bad(`filter "${pair}" is not dimension:value`);
    const dimension = pair.slice(0, colon);
    if (!DIMENSIONS.has(dimension)) bad(`unknown filter dimension "${dimension}" (one of ${[...DIMENSIONS].join(', ')})`);
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(colon + 1));
    } catch {
      bad(`filter "${dimension}" has a malformed %-escape`);
    }
    if (value === '') bad(`filter "${dimension}" has an empty value`);
    byDimension.set(dimension as StatsFilter['dimension'], value);
  }
  return [...byDimension].map(([dimension, value]) => ({ dimension, value }));
}

/**
 * SQL conditions to AND into the range's WHERE: the event's own column for page/country/browser/
 * os/device; for source and event, the events of visitors who arrived from that source / fired that
 * custom event in the same range (`rangeWhere`, over `table`). `value` binds a parameter and returns its
 * placeholder, or returns a quoted literal (ClickHouse 18.16 has no query parameters).
 */
export function filterConditions(filters: readonly StatsFilter[], value: (raw: string) => string, rangeWhere: string, table = 'events'): string[] {
  return filters.map((f) => {
    const column = EVENT_COLUMNS[f.dimension];
    if (column) return `${column} = ${value(f.value)}`;
    const match = f.dimension === 'source' ? `source = ${value(f.value)}` : `type = 'event' AND name = ${value(f.value)}`;
    return `visitor IN (SELECT visitor FROM ${table} WHERE ${rangeWhere} AND ${match})`;
  });
}
