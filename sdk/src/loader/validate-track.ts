import type { Props } from '../options.js';

export const MAX_NAME_LENGTH = 120;
export const MAX_PROPS = 30;
export const MAX_KEY_LENGTH = 64;
export const MAX_VALUE_LENGTH = 500;

/**
 * Checks `track()` arguments. A bad name drops the event; a bad prop (key longer than 64
 * characters; value not a string of at most 500 characters, a finite number or a boolean) drops
 * that prop. Every problem goes to `warn` (a console warning in debug mode); nothing here throws.
 */
export function validateTrack(name: unknown, props: unknown, warn: (message: string) => void): { name: string; props: Props } | undefined {
  if (typeof name !== 'string' || !name.trim() || name.length > MAX_NAME_LENGTH) {
    warn(`track(): bad name (1-${MAX_NAME_LENGTH} chars); dropped`);
    return undefined;
  }
  if (props == null) return { name, props: {} };
  if (typeof props !== 'object' || Array.isArray(props)) {
    warn('track(): props must be an object; dropped');
    return undefined;
  }
  const clean: Props = {};
  let count = 0;
  for (const key in props) {
    if (!Object.hasOwn(props, key)) continue;
    const value = (props as Record<string, unknown>)[key];
    if (++count > MAX_PROPS) {
      warn(`track(): over ${MAX_PROPS} props; rest dropped`);
      break;
    }
    const ok =
      key.length <= MAX_KEY_LENGTH &&
      (typeof value === 'string' ? value.length <= MAX_VALUE_LENGTH : typeof value === 'boolean' || Number.isFinite(value));
    if (ok) clean[key] = value as Props[string];
    else warn(`track(): prop "${key}" dropped (bad key or value)`);
  }
  return { name, props: clean };
}
