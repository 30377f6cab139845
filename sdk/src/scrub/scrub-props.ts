import { isSensitiveKey } from './lib/sensitive-key.js';
import { luhnValid } from './lib/luhn.js';
import { REDACTED, scrubText } from './scrub-text.js';
import { scrubUrl } from './scrub-url.js';
import type { ScrubUrlOptions } from './scrub-url.js';

export type PropValue = string | number | boolean;

/**
 * Drops props whose keys look sensitive (`email`, `password`, `authToken`, `ssn`...) and scrubs
 * the rest: URL values with `scrubUrl`, other strings with `scrubText`, integers that are
 * Luhn-valid card numbers become `[card]`. Returns a new object; never mutates `props`.
 */
export function scrubProps(props: Readonly<Record<string, PropValue>>, options?: ScrubUrlOptions): Record<string, PropValue> {
  const clean: Record<string, PropValue> = {};
  for (const [key, value] of Object.entries(props)) {
    if (isSensitiveKey(key)) continue;
    clean[scrubText(key)] = scrubValue(value, options);
  }
  return clean;
}

function scrubValue(value: PropValue, options?: ScrubUrlOptions): PropValue {
  if (typeof value === 'string') return /^https?:\/\//i.test(value) ? scrubUrl(value, options) : scrubText(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1e12) {
    const digits = String(value);
    if (/^[2-6]/.test(digits) && luhnValid(digits)) return REDACTED.card;
  }
  return value;
}
