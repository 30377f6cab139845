// scheme://[userinfo@]host[:port] path ?query #fragment, split by hand: the WHATWG URL parser costs
// ~0.7 us a call and needs a base for relative URLs; this is all the collector reads from a URL.
const URL_PARTS = /^(?:[a-z][a-z0-9+.-]*:)?(?:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^/?#:]*)(?::\d*)?)?([^?#]*)/i;

/** Lower-cased host without a leading `www.` ('' for relative or malformed URLs). */
export function hostOf(url: string): string {
  const host = URL_PARTS.exec(url)?.[1] ?? '';
  return host.toLowerCase().replace(/^www\./, '');
}

/** The path of a URL (absolute or relative), without query or fragment; '/' when empty. */
export function pathOf(url: string): string {
  return URL_PARTS.exec(url)?.[2] || '/';
}

/**
 * `hostOf` that remembers the last URL's scheme and authority: the events of a request repeat
 * the referrer and the page's origin, and the regex is most of what reading a host costs. One
 * reader per kind of URL (referrers, pages), or they would evict each other.
 */
export function memoizedHostOf(): (url: string) => string {
  let prefix = ''; // scheme and authority of the last URL with a host ('' = none)
  let host = '';
  return (url) => {
    if (prefix && url.startsWith(prefix)) {
      const next = url.charCodeAt(prefix.length);
      // The authority ends right there: end of input, path, query or fragment.
      if (Number.isNaN(next) || next === 0x2f || next === 0x3f || next === 0x23) return host;
    }
    const match = URL_PARTS.exec(url);
    host = (match?.[1] ?? '').toLowerCase().replace(/^www\./, '');
    prefix = match && host ? match[0].slice(0, match[0].length - match[2]!.length) : '';
    return host;
  };
}
