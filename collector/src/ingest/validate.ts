import { HttpError } from '../http/http-error.js';
import { EVENT_TYPES, type EventType, type Props, type ValidBatch, type ValidEvent } from './ingest-types.js';
import { LIMITS, SITE_PATTERN, VITAL_NAMES } from './limits.js';

export interface ValidateOptions {
  /** WISP_SITES; undefined = any well-formed site id. */
  sites: ReadonlySet<string> | undefined;
  /** Server clock at arrival, epoch ms. */
  now: number;
}

const types: ReadonlySet<string> = new Set(EVENT_TYPES);

function bad(code: string, detail: string): never {
  throw new HttpError(400, code, detail);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, where: string, max: number): string {
  if (typeof value !== 'string') bad('invalid_type', `${where} must be a string`);
  if (value.length > max) bad('too_long', `${where} is longer than ${max} characters`);
  return value;
}

function epochMs(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    bad('invalid_type', `${where} must be epoch milliseconds`);
  }
  return value;
}

function props(value: unknown, where: string): Props {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) bad('invalid_type', `${where} must be an object`);
  const entries = Object.entries(value);
  if (entries.length > LIMITS.maxProps) bad('too_many_props', `${where} has more than ${LIMITS.maxProps} keys`);
  const out: Props = {};
  for (const [key, v] of entries) {
    if (key === '__proto__') continue; // JSON.parse makes it an own key; assigning it would set a prototype
    if (key.length > LIMITS.maxPropKeyLength) bad('too_long', `${where} key longer than ${LIMITS.maxPropKeyLength}`);
    if (typeof v === 'string') out[key] = text(v, `${where}.${key}`, LIMITS.maxPropValueLength);
    else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') out[key] = v;
    else bad('invalid_type', `${where}.${key} must be a string, finite number or boolean`);
  }
  return out;
}

function event(raw: unknown, i: number, skewMs: number, now: number): ValidEvent {
  const at = `events[${i}]`;
  if (!isRecord(raw)) bad('invalid_type', `${at} must be an object`);
  const id = text(raw.id, `${at}.id`, LIMITS.maxIdLength);
  if (id === '') bad('missing_id', `${at}.id is empty`);
  if (typeof raw.type !== 'string' || !types.has(raw.type)) {
    bad('unknown_type', `${at}.type must be one of ${EVENT_TYPES.join(', ')}`);
  }
  const type = raw.type as EventType;
  const url = text(raw.url, `${at}.url`, LIMITS.maxUrlLength);
  const referrer = raw.referrer === undefined || raw.referrer === null ? '' : text(raw.referrer, `${at}.referrer`, LIMITS.maxUrlLength);
  const ts = epochMs(raw.ts, `${at}.ts`) + skewMs;
  if (ts > now + LIMITS.maxFutureMs) bad('ts_in_future', `${at}.ts is more than 5 minutes ahead after clock-skew correction`);
  if (ts < now - LIMITS.maxAgeMs) bad('ts_too_old', `${at}.ts is older than 7 days after clock-skew correction`);
  const name = raw.name === undefined || raw.name === null ? null : text(raw.name, `${at}.name`, LIMITS.maxNameLength);
  const p = props(raw.props, `${at}.props`);
  if (type !== 'pageview' && !name) bad('missing_name', `${at}.name is required for type ${type}`);
  if (type === 'vital') {
    if (!VITAL_NAMES.has(name!)) bad('unknown_vital', `${at}.name must be one of ${[...VITAL_NAMES].join(', ')}`);
    if (typeof p.value !== 'number') bad('invalid_type', `${at}.props.value must be a number for vitals`);
  }
  return { id, type, url, referrer, ts, name, props: p };
}

/**
 * Checks a decoded body against the contract and corrects clock skew (`now - sentAt` shifts every
 * event). All or nothing: one bad event rejects the whole batch with a 400 naming it, so a sender
 * never has to work out which part was kept.
 */
export function validateBatch(raw: unknown, options: ValidateOptions): ValidBatch {
  if (!isRecord(raw)) bad('invalid_body', 'body must be an object with site, sentAt and events');
  const site = text(raw.site, 'site', LIMITS.maxSiteLength);
  if (!SITE_PATTERN.test(site)) bad('invalid_site', 'site must be a hostname-like id');
  if (options.sites && !options.sites.has(site)) throw new HttpError(403, 'site_not_allowed', `site ${site} is not in WISP_SITES`);
  const sentAt = epochMs(raw.sentAt, 'sentAt');
  if (!Array.isArray(raw.events)) bad('invalid_type', 'events must be an array');
  if (raw.events.length === 0) bad('no_events', 'events is empty');
  if (raw.events.length > LIMITS.maxEventsPerBatch) {
    throw new HttpError(413, 'too_many_events', `more than ${LIMITS.maxEventsPerBatch} events in one batch`);
  }
  const skewMs = options.now - sentAt;
  return { site, events: raw.events.map((e, i) => event(e, i, skewMs, options.now)) };
}
