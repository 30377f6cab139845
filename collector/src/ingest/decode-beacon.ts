import { HttpError } from '../http/http-error.js';
import { inflate } from './inflate.js';
import { LIMITS } from './limits.js';

/**
 * Decode stage of `POST /api/e`: gunzip when the body starts with 1f 8b, then the SDK's
 * `decodeBeacon` (docs/beacon.md); its errors become 400 with the decoder's reason.
 */
export function decodeBeaconBody(body: Uint8Array, decodeBeacon: (bytes: Uint8Array) => unknown): unknown {
  const bytes = inflate(body, LIMITS.maxInflatedBytes);
  if (bytes.length === 0) throw new HttpError(400, 'malformed_beacon', 'empty body');
  try {
    return decodeBeacon(bytes);
  } catch (error) {
    throw new HttpError(400, 'malformed_beacon', error instanceof Error ? error.message : 'undecodable beacon');
  }
}
