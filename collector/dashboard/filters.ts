/**
 * The `filters=` syntax shared by the dashboard and `GET /api/stats` (docs/dashboard.md).
 *
 *   filters=page:/pricing;country:DE;event:signup
 *
 * A `;`-separated list of `dimension:value` pairs, all of which must hold (AND). Each dimension appears
 * at most once (a later pair replaces an earlier one). The value is everything after the first `:`;
 * inside a value `%` and `;` are written `%25` and `%3B` (percent-decoding is applied to the value
 * only, after splitting). A value is exactly the `key` of a row of the matching `/api/stats` array,
 * so clicking a row can always produce a filter the server understands.
 *
 * Pure and dependency-free so the collector can import it (no DOM, no Node APIs).
 */

/** Dimension name -> the `/api/stats` array whose row keys it takes. */
export const FILTER_DIMENSIONS = {
  page: 'pages',
  source: 'referrers',
  country: 'countries',
  browser: 'browsers',
  os: 'os',
  device: 'devices',
  event: 'events',
} as const;

export type FilterDimension = keyof typeof FILTER_DIMENSIONS;

export interface Filter {
  dimension: FilterDimension;
  value: string;
}

/** Thrown for malformed input; `message` is a human reason the server can return as a 400 detail. */
export class FilterError extends Error {
  override name = 'FilterError';
}

/** The longest `filters=` value accepted, so a hostile URL cannot make the server do unbounded work. */
export const MAX_FILTERS_LENGTH = 2048;

export function isFilterDimension(name: string): name is FilterDimension {
  return Object.hasOwn(FILTER_DIMENSIONS, name);
}

/** Parses a `filters=` value (already URL-decoded once, as URLSearchParams gives it). Empty -> []. */
export function parseFilters(raw: string | null | undefined): Filter[] {
  if (!raw) return [];
  if (raw.length > MAX_FILTERS_LENGTH) throw new FilterError(`filters longer than ${MAX_FILTERS_LENGTH} characters`);
  const byDimension = new Map<FilterDimension, string>();
  for (const pair of raw.split(';')) {
    if (pair === '') continue;
    const colon = pair.indexOf(':');
    if (colon <= 0) throw new FilterError(`filter "${pair}" is not dimension:value`);
    const dimension = pair.slice(0, colon);
    if (!isFilterDimension(dimension)) {
      throw new FilterError(`unknown filter dimension "${dimension}" (one of ${Object.keys(FILTER_DIMENSIONS).join(', ')})`);
    }
    const value = decodeValue(pair.slice(colon + 1));
    if (value === '') throw new FilterError(`filter "${dimension}" has an empty value`);
    byDimension.set(dimension, value);
  }
  return [...byDimension].map(([dimension, value]) => ({ dimension, value }));
}

/** The inverse of parseFilters: `formatFilters(parseFilters(s))` is canonical for any valid `s`. */
export function formatFilters(filters: readonly Filter[]): string {
  return filters.map((f) => `${f.dimension}:${encodeValue(f.value)}`).join(';');
}

/** Returns `filters` with `next` set (replacing the same dimension), or removed when `value` is null. */
export function withFilter(filters: readonly Filter[], dimension: FilterDimension, value: string | null): Filter[] {
  const rest = filters.filter((f) => f.dimension !== dimension);
  return value === null ? rest : [...rest, { dimension, value }];
}

function encodeValue(value: string): string {
  return value.replaceAll('%', '%25').replaceAll(';', '%3B');
}

function decodeValue(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new FilterError(`filter value "${raw}" has a broken %-escape`);
  }
}
