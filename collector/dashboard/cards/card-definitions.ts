import type { FilterDimension } from '../filters.js';
import { countryName, flagEmoji } from '../lib/flag.js';
import type { RankedItem } from '../lib/ranked-list.js';
import type { EventRow, Row } from '../lib/stats-types.js';
import type { BreakdownTab } from './breakdown-card.js';

/** Visitors where the collector gives them, else pageviews, else a plain count. */
function rowValue(row: Row): number {
  return row.visitors ?? row.pageviews ?? row.count ?? 0;
}

function items(rows: readonly Row[] | undefined, value: (row: Row) => number = rowValue): RankedItem[] | undefined {
  return rows?.map((row) => ({ key: row.key, label: row.key || '(none)', value: value(row) }));
}

function eventItems(rows: readonly EventRow[]): RankedItem[] {
  return rows.map((row) => ({
    key: row.key,
    label: row.key,
    value: row.count ?? 0,
    detail: row.props?.slice(0, 3).map((p) => `${p.key}=${p.value} (${p.count})`).join(' · '),
  }));
}

function tab(label: string, dimension: FilterDimension | undefined, pick: BreakdownTab['items']): BreakdownTab {
  return { label, dimension, items: pick };
}

/** Card id in index.html -> its tabs. Pages count pageviews; everything else counts visitors. */
export const BREAKDOWN_CARDS: Record<string, BreakdownTab[]> = {
  'card-pages': [
    tab('Top', 'page', (s) => items(s.pages, (r) => r.pageviews ?? rowValue(r))),
    tab('Entry', 'page', (s) => items(s.entryPages)),
    tab('Exit', 'page', (s) => items(s.exitPages)),
  ],
  'card-sources': [
    tab('Referrers', 'source', (s) => items(s.referrers)?.map((i) => ({ ...i, label: i.key || 'Direct / none' }))),
    tab('UTM source', undefined, (s) => items(s.utmSources)),
    tab('UTM medium', undefined, (s) => items(s.utmMediums)),
    tab('UTM campaign', undefined, (s) => items(s.utmCampaigns)),
  ],
  'card-countries': [
    tab('Countries', 'country', (s) =>
      items(s.countries)?.map((i) => ({ ...i, icon: flagEmoji(i.key), label: countryName(i.key) })),
    ),
  ],
  'card-tech': [
    tab('Browsers', 'browser', (s) => items(s.browsers)),
    tab('OS', 'os', (s) => items(s.os)),
    tab('Devices', 'device', (s) => items(s.devices)),
  ],
  'card-events': [tab('Custom events', 'event', (s) => eventItems(s.events))],
  'card-errors': [tab('JS errors', undefined, (s) => items(s.errors, (r) => r.count ?? rowValue(r)))],
};
