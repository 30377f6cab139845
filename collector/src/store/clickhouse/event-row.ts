import type { StoredEvent } from '../store.js';

/**
 * One `events` row as a JSONEachRow line (with its newline). UInt64 values travel as decimal strings,
 * which ClickHouse parses exactly. Times are truncated to integers and a non-finite value becomes null:
 * a line ClickHouse cannot parse would block the buffer behind it.
 */
export function eventRowLine(event: StoredEvent): string {
  const ts = Math.trunc(event.ts);
  return `${JSON.stringify({
    site: event.site,
    day: new Date(ts).toISOString().slice(0, 10),
    id_hash: event.idHash.toString(),
    type: event.type,
    ts,
    received_at: Math.trunc(event.receivedAt),
    visitor: event.visitor.toString(),
    path: event.path,
    name: event.name,
    value: event.value !== null && Number.isFinite(event.value) ? event.value : null,
    props: event.props,
    source: event.source,
    utm_source: event.utmSource,
    utm_medium: event.utmMedium,
    utm_campaign: event.utmCampaign,
    country: event.country,
    browser: event.browser,
    os: event.os,
    device: event.device,
  })}\n`;
}
