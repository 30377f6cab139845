import { byId } from '../lib/dom.js';
import { formatCount, formatDuration, formatPercent, relativeChange } from '../lib/format.js';
import type { Totals } from '../lib/stats-types.js';

interface Metric {
  key: keyof Totals;
  format: (n: number) => string;
  /** Bounce rate: down is good. */
  lowerIsBetter?: boolean;
}

const METRICS: readonly Metric[] = [
  { key: 'pageviews', format: formatCount },
  { key: 'visitors', format: formatCount },
  { key: 'sessions', format: formatCount },
  { key: 'bounceRate', format: formatPercent, lowerIsBetter: true },
  { key: 'avgSessionSeconds', format: formatDuration },
  { key: 'events', format: formatCount },
];

/**
 * The KPI tiles (static in index.html, ids `kpi-<key>`). The raw number is kept in `data-value` so
 * tests compare exact values whatever the display format.
 */
export function renderOverview(totals: Totals, previous: Totals | null): void {
  for (const metric of METRICS) {
    const tile = byId(`kpi-${metric.key}`);
    const value = tile.querySelector<HTMLElement>('.value')!;
    const change = tile.querySelector<HTMLElement>('.change')!;
    const current = totals[metric.key] ?? 0;
    value.textContent = metric.format(current);
    value.dataset.value = String(current);
    const delta = previous ? relativeChange(current, previous[metric.key] ?? 0) : null;
    if (delta === null) {
      change.textContent = previous ? 'new' : '';
      change.className = 'change';
      change.title = previous ? 'nothing in the previous period' : '';
      continue;
    }
    const good = metric.lowerIsBetter ? delta < 0 : delta > 0;
    change.textContent = `${delta > 0 ? '▲' : delta < 0 ? '▼' : '='} ${formatPercent(Math.abs(delta))}`;
    change.className = `change ${delta === 0 ? '' : good ? 'good' : 'bad'}`;
    change.title = `previous period: ${metric.format(previous![metric.key] ?? 0)}`;
  }
}

/** Placeholders while a new range loads (keeps tile sizes; no layout jump). */
export function clearOverview(): void {
  for (const metric of METRICS) {
    const tile = byId(`kpi-${metric.key}`);
    tile.querySelector<HTMLElement>('.value')!.textContent = '–';
    tile.querySelector<HTMLElement>('.change')!.textContent = '';
  }
}
