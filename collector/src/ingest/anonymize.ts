import type { Core } from 'wisp/core';
import type { StoredEvent } from '../store/store.js';
import type { CountryLookup } from './geo.js';
import type { Sender, ValidBatch, ValidEvent } from './ingest-types.js';
import { createPathScrubber } from './scrubbed-paths.js';
import { createPropsScrubber } from './scrubbed-props.js';
import { createTrafficSource } from './traffic-source.js';
import type { Client } from './user-agent.js';

export interface AnonymizeDeps {
  country: CountryLookup;
  parseUserAgent: (userAgent: string) => Client;
  saltFor: (receivedAt: number) => Uint8Array;
  /** The wasm core from `wisp/core`. */
  core: Pick<Core, 'siphash24' | 'xxh64' | 'xxh64Batch'>;
  scrubUrl: (url: string) => string;
  scrubText: (text: string) => string;
  scrubProps: (props: ValidEvent['props']) => ValidEvent['props'];
}

/** Names (error messages above all) are cut to this length in the store. */
const MAX_STORED_NAME = 500;

function withoutValue(props: ValidEvent['props']): ValidEvent['props'] {
  const rest = { ...props };
  delete rest.value;
  return rest;
}

/**
 * Anonymize stage: what leaves it holds no IP, no User-Agent, no event id and no query string.
 * IP -> country, UA -> browser/OS/device, referrer -> source domain, utm_* -> campaign fields,
 * the URL scrubbed again and cut to its path, the visitor reduced to SipHash-2-4 keyed with the salt
 * of the arrival day over `site|IP|UA`.
 */
export function createAnonymizer(deps: AnonymizeDeps): (batch: ValidBatch, sender: Sender) => StoredEvent[] {
  const scrubbedPath = createPathScrubber(deps.scrubUrl, (text) => deps.core.xxh64(text));
  const props = createPropsScrubber(deps.scrubProps, (text) => deps.core.xxh64(text));
  const trafficSource = createTrafficSource(deps.scrubText);
  return (batch, sender) => {
    const { site } = batch;
    const siteHost = site.toLowerCase().replace(/^www\./, '');
    const visitor = deps.core.siphash24(deps.saltFor(sender.receivedAt), `${site}|${sender.ip}|${sender.userAgent}`);
    const idHashes = deps.core.xxh64Batch(batch.events.map((event) => `${site}\0${event.id}`));
    const country = deps.country(sender.ip);
    const client = deps.parseUserAgent(sender.userAgent);
    return batch.events.map((event, i): StoredEvent => {
      const isVital = event.type === 'vital';
      const value = isVital ? (event.props.value as number) : null;
      const from = trafficSource(siteHost, event.url, event.referrer);
      // Fields spelled out (no spreads): every row gets the same shape, built without temporaries.
      return {
        site,
        idHash: idHashes[i]!,
        type: event.type,
        ts: event.ts,
        receivedAt: sender.receivedAt,
        visitor,
        path: scrubbedPath(event.url),
        name: event.name === null ? null : deps.scrubText(event.name).slice(0, MAX_STORED_NAME),
        value,
        props: props(isVital ? withoutValue(event.props) : event.props),
        source: from.source,
        utmSource: from.utmSource,
        utmMedium: from.utmMedium,
        utmCampaign: from.utmCampaign,
        country,
        browser: client.browser,
        os: client.os,
        device: client.device,
      };
    });
  };
}
