import type { AlertRule } from './alert-config.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * What rules need to know: event counts of a site over [from, to) (minute-aligned), or null when
 * that range is not known (e.g. before the data the process holds): a rule never fires on unknowns.
 */
export interface AlertSource {
  count(site: string, type: 'pageview' | 'event' | 'error', name: string | null, from: number, to: number): number | null;
}

export interface Alert {
  ruleId: string;
  site: string;
  webhook: string;
  /** rule id + window start: at most one delivery per key, ever. */
  key: string;
  windowStart: number;
  windowEnd: number;
  title: string;
  text: string;
  value: number;
}

/**
 * Alerts due at `now`. Windows are tumbling (aligned to epoch), so one rule fires at most once per
 * window; the previous window is checked too, so an alert whose data completed late is not missed.
 */
export function evaluateRules(rules: AlertRule[], source: AlertSource, now: number): Alert[] {
  const alerts: Alert[] = [];
  for (const rule of rules) {
    const size = rule.kind === 'errors' ? rule.windowMinutes * MINUTE_MS : rule.kind === 'goal' && rule.period === 'day' ? DAY_MS : HOUR_MS;
    const current = Math.floor(now / size) * size;
    for (const start of [current - size, current]) {
      const alert = check(rule, source, start, start + size);
      if (alert) alerts.push(alert);
    }
  }
  return alerts;
}

function check(rule: AlertRule, source: AlertSource, from: number, to: number): Alert | null {
  const base = { ruleId: rule.id, site: rule.site, webhook: rule.webhook, key: `${rule.id}:${from}`, windowStart: from, windowEnd: to };
  const when = `${new Date(from).toISOString()} - ${new Date(to).toISOString()}`;
  switch (rule.kind) {
    case 'errors': {
      const n = source.count(rule.site, 'error', null, from, to);
      if (n === null || n <= rule.threshold) return null;
      return { ...base, value: n, title: `${rule.site}: ${n} errors in ${rule.windowMinutes} min`, text: `${n} error events (threshold ${rule.threshold}) on ${rule.site}, ${when}` };
    }
    case 'goal': {
      const n = source.count(rule.site, 'event', rule.event, from, to);
      if (n === null || n < rule.target) return null;
      return { ...base, value: n, title: `${rule.site}: goal "${rule.event}" reached`, text: `"${rule.event}" happened ${n} times (goal ${rule.target}) on ${rule.site}, ${when}` };
    }
    case 'spike': {
      const n = source.count(rule.site, 'pageview', null, from, to);
      const lastWeek = source.count(rule.site, 'pageview', null, from - 7 * DAY_MS, to - 7 * DAY_MS);
      if (n === null || lastWeek === null || n < rule.minPageviews || n <= rule.factor * lastWeek) return null;
      return { ...base, value: n, title: `${rule.site}: traffic spike`, text: `${n} pageviews vs ${lastWeek} in the same hour last week (x${rule.factor} threshold) on ${rule.site}, ${when}` };
    }
  }
}
