import { scrubComponent } from './lib/scrub-component.js';

/** Query parameters kept by default (`*` = prefix); everything else is dropped. */
export const DEFAULT_ALLOWED_PARAMS: readonly string[] = ['utm_*', 'ref', 'source', 'via', 'campaign', 'page'];

export interface ScrubUrlOptions {
  /** Query parameter names to keep (values are still scrubbed); `*` at the end matches a prefix. Default `DEFAULT_ALLOWED_PARAMS`. */
  allowParams?: readonly string[];
}

// scheme, //authority, path, ?query, #fragment: parsed by hand so relative URLs and the original
// spelling survive (the WHATWG URL parser would normalise, and needs a base).
const PARTS = /^([a-z][a-z0-9+.-]*:)?(\/\/[^/?#]*)?([^?#]*)(\?[^#]*)?(#.*)?$/is;

/**
 * Removes personal data from a URL or referrer: credentials in the authority, query parameters
 * that are not allow-listed, and e-mails, phones, card numbers, JWTs, UUIDs and secret-looking
 * tokens in the path, kept parameter values and the fragment (hash routes and `#access_token=`
 * style fragments included). Pure: no DOM.
 */
export function scrubUrl(url: string, options: ScrubUrlOptions = {}): string {
  const parts = PARTS.exec(url);
  if (!parts) return url;
  const allow = options.allowParams ?? DEFAULT_ALLOWED_PARAMS;
  const [, scheme = '', authority = '', path = '', query = '', fragment = ''] = parts;
  return scheme + authority.replace(/^\/\/[^@/]*@/, '//') + scrubPath(path) + scrubQuery(query, allow) + scrubFragment(fragment, allow);
}

function scrubPath(path: string): string {
  return path.split('/').map(scrubComponent).join('/');
}

/** `?a=1&b=2` -> only allowed params, values scrubbed; '' when none is left. */
function scrubQuery(query: string, allow: readonly string[]): string {
  if (query.length <= 1) return '';
  const kept = query
    .slice(1)
    .split('&')
    .filter((pair) => pair && isAllowed(safeDecode(pair.split('=')[0]!), allow))
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? pair : pair.slice(0, eq + 1) + scrubComponent(pair.slice(eq + 1));
    });
  return kept.length ? '?' + kept.join('&') : '';
}

/** Hash routes (`#/users/42?tab=x`) are scrubbed like a path; `#a=1&b=2` like a query; anchors like text. */
function scrubFragment(fragment: string, allow: readonly string[]): string {
  if (fragment.length <= 1) return fragment;
  const body = fragment.slice(1);
  if (/^[^/?]*=/.test(body)) return scrubQuery('?' + body, allow).replace('?', '#');
  const q = body.indexOf('?');
  if (q < 0) return '#' + scrubPath(body);
  return '#' + scrubPath(body.slice(0, q)) + scrubQuery(body.slice(q), allow);
}

function isAllowed(name: string, allow: readonly string[]): boolean {
  const key = name.toLowerCase();
  return allow.some((entry) => (entry.endsWith('*') ? key.startsWith(entry.slice(0, -1)) : key === entry));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
