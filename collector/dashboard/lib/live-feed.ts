import type { LiveSnapshot } from './stats-types.js';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'unavailable';

/**
 * `GET /api/live?site=S&token=T` as an EventSource (it cannot send headers, hence the token in the
 * query). EventSource reconnects by itself after network errors; when the server refuses (4xx) it
 * closes for good and we report `unavailable`. Returns a function that disconnects.
 */
export function connectLive(
  site: string,
  token: string,
  onSnapshot: (snapshot: LiveSnapshot) => void,
  onStatus: (status: LiveStatus) => void,
): () => void {
  const source = new EventSource(`/api/live?${new URLSearchParams({ site, token })}`);
  onStatus('connecting');
  source.addEventListener('open', () => onStatus('live'));
  source.addEventListener('error', () => onStatus(source.readyState === EventSource.CLOSED ? 'unavailable' : 'reconnecting'));
  source.addEventListener('snapshot', (event) => {
    let snapshot: LiveSnapshot;
    try {
      snapshot = JSON.parse((event as MessageEvent<string>).data) as LiveSnapshot;
    } catch {
      return; // A malformed frame is skipped; the next snapshot carries the full state anyway.
    }
    onStatus('live');
    onSnapshot(snapshot);
  });
  return () => source.close();
}
