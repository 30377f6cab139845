import type { LastGaspBeacon } from '../protocol.js';

/**
 * Sends a pre-encoded beacon while the page goes away, stamping `sentAt` (a varint) now, with
 * `sendBeacon` and a CORS-simple type. Its `true` is no receipt (TOOLCHAIN.md), so the events also
 * stay queued: delivery is at-least-once and the collector counts each id once.
 */
export function sendLastGasp(endpoint: string, beacon: LastGaspBeacon): void {
  const sentAt: number[] = [];
  let value = Date.now();
  for (; value >= 128; value = Math.floor(value / 128)) sentAt.push((value % 128) | 128);
  sentAt.push(value);
  // No fetch(keepalive) fallback: sendBeacon refuses only over the same 64 KiB in-flight quota
  // (or where connect-src forbids the endpoint), which would stop keepalive fetches as well.
  navigator.sendBeacon(endpoint, new Blob([beacon.head as BlobPart, Uint8Array.from(sentAt), beacon.tail as BlobPart], { type: 'text/plain' }));
}
