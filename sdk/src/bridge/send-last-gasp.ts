import type { LastGaspBeacon } from '../protocol.js';

/**
 * Sends a pre-encoded beacon while the page goes away, stamping `sentAt` (a varint) now:
 * `sendBeacon` with a CORS-simple type, `fetch(keepalive)` where it refuses. Its `true` is no
 * receipt (TOOLCHAIN.md), so the events also stay queued: delivery is at-least-once and the
 * collector counts each id once.
 */
export function sendLastGasp(endpoint: string, beacon: LastGaspBeacon): void {
  const sentAt: number[] = [];
  let value = Date.now();
  for (; value >= 128; value = Math.floor(value / 128)) sentAt.push((value % 128) | 128);
  sentAt.push(value);
  const body = new Blob([beacon.head as BlobPart, Uint8Array.from(sentAt), beacon.tail as BlobPart], { type: 'text/plain' });
  if (navigator.sendBeacon?.(endpoint, body)) return;
  fetch(endpoint, { method: 'POST', body, keepalive: true, credentials: 'omit' }).catch(() => {});
}
