import { readFileSync } from 'node:fs';

export type WebhookFormat = 'slack' | 'discord' | 'json';

export interface WebhookTarget {
  url: string;
  /** Body shape: Slack `{text}`, Discord `{content}` or the plain alert JSON. Default slack. */
  format: WebhookFormat;
}

interface RuleBase {
  /** Unique, stable id: part of every delivery key (change it and alerts fire anew). */
  id: string;
  site: string;
  /** Name of an entry of `webhooks`. */
  webhook: string;
}

/** More than `threshold` error events in a tumbling window of `windowMinutes` (default 5). */
export interface ErrorsRule extends RuleBase { kind: 'errors'; threshold: number; windowMinutes: number }
/** Custom event `event` reached `target` (default 1) times in the current UTC `period` (default day). */
export interface GoalRule extends RuleBase { kind: 'goal'; event: string; target: number; period: 'hour' | 'day' }
/**
 * Pageviews in the current hour exceed `factor` (default 3) times the same hour last week, and at
 * least `minPageviews` (default 100).
 */
export interface SpikeRule extends RuleBase { kind: 'spike'; factor: number; minPageviews: number }

export type AlertRule = ErrorsRule | GoalRule | SpikeRule;

export interface AlertConfig {
  webhooks: Record<string, WebhookTarget>;
  rules: AlertRule[];
}

export class AlertConfigError extends Error {}

/** Reads and validates the `WISP_ALERTS` JSON file. */
export function loadAlertConfig(path: string): AlertConfig {
  return parseAlertConfig(JSON.parse(readFileSync(path, 'utf8')));
}

/** Validates a parsed config, filling defaults; throws AlertConfigError naming the bad field. */
export function parseAlertConfig(input: unknown): AlertConfig {
  const root = object(input, 'config');
  const webhooks: Record<string, WebhookTarget> = {};
  for (const [name, raw] of Object.entries(object(root['webhooks'], 'webhooks'))) {
    const hook = object(raw, `webhooks.${name}`);
    const url = string(hook['url'], `webhooks.${name}.url`);
    if (!/^https?:\/\//.test(url)) throw new AlertConfigError(`webhooks.${name}.url must be http(s)`);
    const format = hook['format'] ?? 'slack';
    if (format !== 'slack' && format !== 'discord' && format !== 'json') throw new AlertConfigError(`webhooks.${name}.format must be slack, discord or json`);
    webhooks[name] = { url, format };
  }
  if (!Array.isArray(root['rules'])) throw new AlertConfigError('rules must be an array');
  const ids = new Set<string>();
  const rules = root['rules'].map((raw: unknown, i: number): AlertRule => {
    const at = `rules[${i}]`;
    const r = object(raw, at);
    const base = { id: string(r['id'], `${at}.id`), site: string(r['site'], `${at}.site`), webhook: string(r['webhook'], `${at}.webhook`) };
    if (ids.has(base.id)) throw new AlertConfigError(`${at}.id ${base.id} is not unique`);
    ids.add(base.id);
    if (!webhooks[base.webhook]) throw new AlertConfigError(`${at}.webhook ${base.webhook} is not in webhooks`);
    switch (r['kind']) {
      case 'errors':
        return { ...base, kind: 'errors', threshold: number(r['threshold'], `${at}.threshold`), windowMinutes: number(r['windowMinutes'] ?? 5, `${at}.windowMinutes`, 1) };
      case 'goal': {
        const period = r['period'] ?? 'day';
        if (period !== 'hour' && period !== 'day') throw new AlertConfigError(`${at}.period must be hour or day`);
        return { ...base, kind: 'goal', event: string(r['event'], `${at}.event`), target: number(r['target'] ?? 1, `${at}.target`, 1), period };
      }
      case 'spike':
        return { ...base, kind: 'spike', factor: number(r['factor'] ?? 3, `${at}.factor`), minPageviews: number(r['minPageviews'] ?? 100, `${at}.minPageviews`) };
      default:
        throw new AlertConfigError(`${at}.kind must be errors, goal or spike`);
    }
  });
  return { webhooks, rules };
}

function object(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AlertConfigError(`${at} must be an object`);
  return value as Record<string, unknown>;
}

function string(value: unknown, at: string): string {
  if (typeof value !== 'string' || value === '') throw new AlertConfigError(`${at} must be a non-empty string`);
  return value;
}

function number(value: unknown, at: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw new AlertConfigError(`${at} must be a number >= ${min}`);
  return value;
}
