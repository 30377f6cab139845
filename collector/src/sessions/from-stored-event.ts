import type { StoredEvent } from '../store/store.js';
import type { StreamEvent } from './types.js';

type Props = Record<string, string | number | boolean>;

// Consecutive rows mostly share the visitor and the props (a request's events), so the last of each
// is converted once: BigInt -> hex and JSON.parse were ~4% of ingest CPU. Shared props are frozen.
let lastVisitor: bigint | undefined;
let lastVisitorHex = '';
let lastPropsJson = '';
let lastProps: Props | undefined;

function parsedProps(json: string): Props | undefined {
  if (json === '{}' || json === '') return undefined;
  if (json !== lastPropsJson) {
    lastPropsJson = json;
    try {
      lastProps = Object.freeze(JSON.parse(json) as Props);
    } catch {
      lastProps = undefined; // written by the collector itself, so only a corrupt row lands here
    }
  }
  return lastProps;
}

/**
 * Maps the store's row to the stream stages' input: the visitor and id hashes become hex strings
 * (ids only need to be unique per site), props are parsed back, a vital's value goes to `props.value`.
 */
export function fromStoredEvent(row: StoredEvent): StreamEvent {
  let props = parsedProps(row.props);
  if (row.type === 'vital' && row.value !== null) props = { ...props, value: row.value };
  if (row.visitor !== lastVisitor) {
    lastVisitor = row.visitor;
    lastVisitorHex = row.visitor.toString(16);
  }
  return {
    site: row.site, visitor: lastVisitorHex, id: row.idHash.toString(16), type: row.type, path: row.path,
    ts: row.ts, name: row.name, props, referrer: row.source, utmSource: row.utmSource, utmMedium: row.utmMedium,
    utmCampaign: row.utmCampaign, country: row.country, browser: row.browser, os: row.os, device: row.device,
    receivedAt: row.receivedAt,
  };
}
