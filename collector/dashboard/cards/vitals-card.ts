import { h } from '../lib/dom.js';
import type { VitalRow } from '../lib/stats-types.js';

/**
 * Core Web Vitals at p75 against the thresholds published at https://web.dev/articles/vitals
 * (good <= first, poor > second). Units: ms except CLS (unitless).
 */
const THRESHOLDS: Record<string, { good: number; poor: number; unit: string; title: string }> = {
  LCP: { good: 2500, poor: 4000, unit: 'ms', title: 'Largest Contentful Paint' },
  INP: { good: 200, poor: 500, unit: 'ms', title: 'Interaction to Next Paint' },
  CLS: { good: 0.1, poor: 0.25, unit: '', title: 'Cumulative Layout Shift' },
  FCP: { good: 1800, poor: 3000, unit: 'ms', title: 'First Contentful Paint' },
  TTFB: { good: 800, poor: 1800, unit: 'ms', title: 'Time to First Byte' },
};

export type VitalRating = 'good' | 'needs-improvement' | 'poor';

export function rateVital(name: string, p75: number): VitalRating {
  const t = THRESHOLDS[name];
  if (!t) return 'good';
  if (p75 <= t.good) return 'good';
  return p75 <= t.poor ? 'needs-improvement' : 'poor';
}

const LABEL: Record<VitalRating, string> = { good: 'good', 'needs-improvement': 'needs improvement', poor: 'poor' };

/** Fills the vitals card: one fixed tile per metric (a dash when there are no samples). */
export function renderVitals(container: HTMLElement, vitals: readonly VitalRow[]): void {
  const byName = new Map(vitals.map((v) => [v.key, v]));
  container.replaceChildren(
    ...Object.entries(THRESHOLDS).map(([name, t]) => {
      const row = byName.get(name);
      const value = row ? formatVital(row.p75, t.unit) : '–';
      const rating = row ? rateVital(name, row.p75) : null;
      return h(
        'div',
        { class: `vital ${rating ?? 'none'}`, title: `${t.title}: good ≤ ${t.good}${t.unit}, poor > ${t.poor}${t.unit}`, 'data-vital': name },
        h('span', { class: 'label' }, name),
        h('strong', { class: 'value', 'data-value': row ? String(row.p75) : '' }, value),
        h('span', { class: 'rating' }, rating ? LABEL[rating] : 'no samples'),
        h('small', {}, row?.count !== undefined ? `p75 of ${row.count}` : 'p75'),
      );
    }),
  );
}

function formatVital(value: number, unit: string): string {
  return unit === 'ms' ? `${Math.round(value)} ms` : value.toFixed(2);
}
