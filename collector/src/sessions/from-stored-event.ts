import type { StoredEvent } from '../store/store.js';
import type { StreamEvent } from './types.js';

/**
 * Maps the store's row to the stream stages' input: the visitor and id hashes become hex strings
 * (ids only need to be unique per site), props are parsed back, a vital's value goes to `props.value`.
 */
export function fromStoredEvent(row: StoredEvent): StreamEvent {
  let props: Record<string, string | number | boolean> | undefined;
  if (row.props !== '{}' && row.props !== '') {
    try {
      props = JSON.parse(row.props) as Record<string, string | number | boolean>;
    } catch {
      props = undefined; // written by the collector itself, so only a corrupt row lands here
    }
  }
  if (row.type === 'vital' && row.value !== null) props = { ...props, value: row.value };
  return {
    site: row.site, visitor: row.visitor.toString(16), id: row.idHash.toString(16), type: row.type, path: row.path,
    ts: row.ts, name: row.name, props, referrer: row.source, utmSource: row.utmSource, utmMedium: row.utmMedium,
    utmCampaign: row.utmCampaign, country: row.country, browser: row.browser, os: row.os, device: row.device,
    receivedAt: row.receivedAt,
  };
}
