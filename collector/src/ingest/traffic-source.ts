import { memoizedHostOf } from './url-parts.js';

/** Where a visit came from: the referrer's host ('' = direct) and the page URL's utm_* values. */
export interface TrafficSource {
  source: string;
  utmSource: string;
  utmMedium: string;
  utmCampaign: string;
}

const MAX_UTM = 100;
const NO_UTM = { utmSource: '', utmMedium: '', utmCampaign: '' };

function utm(pageUrl: string, scrubText: (text: string) => string): Omit<TrafficSource, 'source'> {
  if (!pageUrl.includes('utm_')) return NO_UTM;
  const query = /\?([^#]*)/.exec(pageUrl)?.[1] ?? '';
  const params = new URLSearchParams(query);
  const value = (key: string) => scrubText(params.get(key) ?? '').slice(0, MAX_UTM);
  return { utmSource: value('utm_source'), utmMedium: value('utm_medium'), utmCampaign: value('utm_campaign') };
}

/**
 * `referrer` -> source domain; a referrer on the page's own host or the site's counts as direct.
 * `siteHost` is the site id lower-cased without `www.` (computed once per batch).
 * `scrubText` cleans utm values (a campaign name can carry an email address).
 */
export function createTrafficSource(scrubText: (text: string) => string): (siteHost: string, pageUrl: string, referrer: string) => TrafficSource {
  const referrerHost = memoizedHostOf();
  const pageHost = memoizedHostOf();
  return (siteHost, pageUrl, referrer) => {
    const from = referrer ? referrerHost(referrer) : '';
    const direct = from === '' || from === siteHost || from === pageHost(pageUrl);
    const campaign = utm(pageUrl, scrubText);
    return { source: direct ? '' : from, utmSource: campaign.utmSource, utmMedium: campaign.utmMedium, utmCampaign: campaign.utmCampaign };
  };
}
