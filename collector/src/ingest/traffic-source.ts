/** Where a visit came from: the referrer's host ('' = direct) and the page URL's utm_* values. */
export interface TrafficSource {
  source: string;
  utmSource: string;
  utmMedium: string;
  utmCampaign: string;
}

const MAX_UTM = 100;

function host(url: string): string {
  if (!URL.canParse(url)) return '';
  return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
}

/**
 * `referrer` -> source domain; a referrer on the page's own host or the site id counts as direct.
 * `scrubText` cleans utm values (a campaign name can carry an email address).
 */
export function trafficSource(site: string, pageUrl: string, referrer: string, scrubText: (text: string) => string): TrafficSource {
  const from = host(referrer);
  const own = host(pageUrl);
  const siteHost = site.toLowerCase().replace(/^www\./, '');
  const source = from === '' || from === own || from === siteHost ? '' : from;
  const params = URL.canParse(pageUrl) ? new URL(pageUrl).searchParams : new URLSearchParams();
  const utm = (key: string) => scrubText(params.get(key) ?? '').slice(0, MAX_UTM);
  return { source, utmSource: utm('utm_source'), utmMedium: utm('utm_medium'), utmCampaign: utm('utm_campaign') };
}
