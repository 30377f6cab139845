import { encodeBeacon } from '../beacon/encode-beacon.js';
import type { WireBatch } from '../beacon/wire-event.js';
import type { LastGaspBeacon } from '../protocol.js';

/**
 * Pre-encodes the beacon the main thread sends at `pagehide` (the worker dies with the page), split
 * around `sentAt` so the main thread stamps the real departure time without any beacon code: the
 * format puts `sentAt` right after the site, and no other field depends on it.
 */
export function encodeLastGasp(batch: Omit<WireBatch, 'sentAt'>): LastGaspBeacon {
  const bytes = encodeBeacon({ ...batch, sentAt: 0 });
  let offset = 2;
  let siteLength = 0;
  for (let scale = 1; ; scale *= 128) {
    const byte = bytes[offset++]!;
    siteLength += (byte & 127) * scale;
    if (byte < 128) break;
  }
  const sentAtOffset = offset + siteLength;
  return { head: bytes.slice(0, sentAtOffset), tail: bytes.slice(sentAtOffset + 1) };
}
