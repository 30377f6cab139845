export type { EventType, WireBatch, WireEvent } from './wire-event.js';
export { BEACON_LIMITS, BEACON_MAGIC, BEACON_VERSION } from './beacon-format.js';
export { BeaconError } from './beacon-error.js';
export type { BeaconErrorCode } from './beacon-error.js';
export { decodeBeacon } from './decode-beacon.js';
export { encodeBeacon } from './encode-beacon.js';
