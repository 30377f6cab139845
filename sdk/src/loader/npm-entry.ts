import type { Props, Wisp, WispOptions } from '../options.js';
import { createClient } from './init.js';

let current: Wisp | undefined;

/** Starts Wisp and returns its client; the module-level `track`/`pageview` use the latest one. */
export function init(options: WispOptions): Wisp {
  return (current = createClient(options));
}

function client(method: string): Wisp {
  if (!current) throw new Error(`wisp: ${method}() called before init()`);
  return current;
}

/** `init(...).track()` of the latest client. Throws when `init()` has not run (a programmer error). */
export function track(name: string, props?: Props): void {
  client('track').track(name, props);
}

/** `init(...).pageview()` of the latest client. Throws when `init()` has not run. */
export function pageview(url?: string): void {
  client('pageview').pageview(url);
}
