import { readStored, writeStored } from './token.js';

export type RangeName = 'realtime' | 'today' | '7d' | '30d' | 'custom';
export const RANGE_NAMES: readonly RangeName[] = ['realtime', 'today', '7d', '30d', 'custom'];

/** Everything that decides what the dashboard shows; mirrored in the URL so a view can be shared. */
export interface ViewState {
  site: string;
  range: RangeName;
  /** Custom range days as YYYY-MM-DD (inclusive), in `tz`. */
  from: string;
  to: string;
  /** IANA time zone, '' = the browser's. */
  tz: string;
  /** The `filters=` value (collector/dashboard/filters.ts). */
  filters: string;
}

const SITE_KEY = 'wisp.site';
const DEFAULT_SITE = 'demo';

export function readViewState(): ViewState {
  const params = new URL(location.href).searchParams;
  const range = params.get('range') as RangeName | null;
  return {
    site: params.get('site') || readStored(SITE_KEY) || DEFAULT_SITE,
    range: range && RANGE_NAMES.includes(range) ? range : '7d',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    tz: params.get('tz') ?? '',
    filters: params.get('filters') ?? '',
  };
}

/** Writes the state to the address bar (pushState: back undoes a filter click) and remembers the site. */
export function writeViewState(state: ViewState, mode: 'push' | 'replace' = 'push'): void {
  writeStored(SITE_KEY, state.site);
  const url = new URL(location.href);
  const params = url.searchParams;
  params.set('site', state.site);
  params.set('range', state.range);
  setOrDelete(params, 'from', state.range === 'custom' ? state.from : '');
  setOrDelete(params, 'to', state.range === 'custom' ? state.to : '');
  setOrDelete(params, 'tz', state.tz);
  setOrDelete(params, 'filters', state.filters);
  if (url.href === location.href) return;
  if (mode === 'push') history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

function setOrDelete(params: URLSearchParams, key: string, value: string): void {
  if (value) params.set(key, value);
  else params.delete(key);
}
