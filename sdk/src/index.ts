export { init, track, pageview } from './loader/npm-entry.js';
export type { Props, PropValue, Wisp, WispOptions } from './options.js';
export type { EventType, WireBatch, WireEvent } from './beacon/wire-event.js';
