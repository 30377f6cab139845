import type { LastGaspBeacon } from '../protocol.js';

/**
 * Sends the worker's pre-encoded beacon at `pagehide`, stamping `sentAt` (a varint) now. Uses
 * `sendBeacon` with a CORS-simple type, `fetch(keepalive)` where it refuses. Its `true` is no
 * receipt (TOOLCHAIN.md), so the events also stay queued: delivery is at-least-once and the
 * collector counts each id once.
 */
export function sendLastGasp(endpoint: string, beacon: LastGaspBeacon): void {
  const sentAt: number[] = [];
  for (let value = Date.now(); ; value = Math.floor(value / 128)) {
    if (value < 128) {
      sentAt.push(value);
      break;
    }
    sentAt.push((value % 128) | 128);
  }
  const body = new Blob([beacon.head as BlobPart, Uint8Array.from(sentAt), beacon.tail as BlobPart], { type: 'text/plain' });
  if (navigator.sendBeacon?.(endpoint, body)) return;
  fetch(endpoint, { method: 'POST', body, keepalive: true, credentials: 'omit' }).catch(() => {});
}
