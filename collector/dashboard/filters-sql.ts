import type { Filter, FilterDimension } from './filters.js';

/**
 * `filters=` as SQL conditions over the collector's `events` table (docs/storage.md), for the
 * server to AND into the WHERE clause that selects a site's events in a range. Pure, no driver.
 *
 * - `page`, `country`, `browser`, `os`, `device`: the event's own column must equal the value
 *   (country, browser, OS and device are constant per visitor: the visitor hash covers IP and UA).
 * - `source`, `event`: events of visitors who, in the same range, arrived from that source / fired
 *   that custom event (a referrer or a conversion describes the visitor, not each of their events).
 *
 * `value` turns a filter value into SQL: push a parameter and return its placeholder (`$4`), or
 * return a quoted literal (ClickHouse 18.16 has no query parameters). `rangeWhere` is the condition
 * selecting the same site and range, reused inside the visitor subqueries.
 */
export function filterConditions(
  filters: readonly Filter[],
  value: (raw: string) => string,
  rangeWhere: string,
  table = 'events',
): string[] {
  return filters.map((f) => {
    const column = EVENT_COLUMNS[f.dimension];
    if (column) return `${column} = ${value(f.value)}`;
    const match = f.dimension === 'source' ? `source = ${value(f.value)}` : `type = 'event' AND name = ${value(f.value)}`;
    return `visitor IN (SELECT visitor FROM ${table} WHERE ${rangeWhere} AND ${match})`;
  });
}

const EVENT_COLUMNS: Partial<Record<FilterDimension, string>> = {
  page: 'path',
  country: 'country',
  browser: 'browser',
  os: 'os',
  device: 'device',
};
