import type { WireEvent } from '../beacon/wire-event.js';

/**
 * The last resort at `pagehide` when even the bridge (scrubber + encoder) has not loaded yet, e.g.
 * an event tracked right after the script ran and the page left in the next task. The first script
 * carries no scrubber or beacon code (size budget), so it sends a conservative subset as JSON to
 * the collector's `POST /api/events` (next to `/api/e`) with a keepalive fetch of a string body
 * (text/plain: no preflight): URLs and referrers cut before `?` and `#`, props dropped, event names
 * kept (chosen by the developer; vitals' are fixed); error events (their message may hold anything)
 * are not sent. The collector re-scrubs whatever it receives. Trade-off: these events lose query
 * parameters (campaign tags) and props, and an endpoint that is not a Wisp collector's `/api/e`
 * will not take them; without this path they are lost.
 */
export function sendRaw(site: string, endpoint: string, events: WireEvent[]): void {
  const cut = (url: string) => url.split(/[?#]/)[0];
  const body = JSON.stringify({
    site,
    sentAt: Date.now(),
    events: events.filter((event) => event.type != 'error').map((event) => ({ ...event, url: cut(event.url), referrer: cut(event.referrer), props: {} })),
  });
  fetch(new URL('events', endpoint), { method: 'POST', body, keepalive: true }).catch(() => {});
}
