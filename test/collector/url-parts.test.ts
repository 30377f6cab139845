import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { createTrafficSource } from '../../collector/src/ingest/traffic-source.js';
import { hostOf, memoizedHostOf, pathOf } from '../../collector/src/ingest/url-parts.js';

describe('hostOf / pathOf agree with the WHATWG parser on the parts the collector keeps', () => {
  test.each([
    'https://example.com/a/b?x=1#frag',
    'https://WWW.Example.COM:8443/a',
    'http://user:pass@shop.test/checkout?card=1',
    'https://example.com',
    'https://example.com?q=1',
    'https://[2001:db8::1]:8080/ipv6/path',
    'https://example.com/#/hash-route',
  ])('%s', (url) => {
    const parsed = new URL(url);
    expect(hostOf(url)).toBe(parsed.hostname.toLowerCase().replace(/^www\./, ''));
    expect(pathOf(url)).toBe(parsed.pathname);
  });

  test('relative and odd inputs', () => {
    expect(pathOf('/a/b?c')).toBe('/a/b');
    expect(pathOf('')).toBe('/');
    expect(pathOf('?only=query')).toBe('/');
    expect(hostOf('/relative')).toBe('');
    expect(hostOf('not a url')).toBe('');
  });
});

test('memoizedHostOf agrees with hostOf on any sequence of URLs (property)', () => {
  const url = fc
    .tuple(
      fc.constantFrom('https://', 'http://', 'HTTPS://', '//', ''),
      fc.constantFrom('', 'user:pw@'),
      fc.constantFrom('example.com', 'www.example.com', 'example.com.evil.test', 'EXAMPLE.com', '[2001:db8::1]', ''),
      fc.constantFrom('', ':8080', ':80801', ':'),
      fc.constantFrom('', '/', '/a/b', '?q=1', '#x', '.org/', '-x/', 'x'),
    )
    .map((parts) => parts.join(''));
  fc.assert(
    fc.property(fc.array(url, { maxLength: 30 }), (urls) => {
      const memoized = memoizedHostOf();
      for (const u of urls) expect(memoized(u)).toBe(hostOf(u));
    }),
    { numRuns: 500 },
  );
});

describe('trafficSource', () => {
  const keep = (text: string) => text;
  const trafficSource = (siteHost: string, pageUrl: string, referrer: string, scrubText: (text: string) => string) =>
    createTrafficSource(scrubText)(siteHost, pageUrl, referrer);
  test('referrer host is the source; own host, site id and empty referrer are direct', () => {
    expect(trafficSource('example.com', 'https://example.com/a', 'https://www.google.com/search?q=x', keep).source).toBe('google.com');
    expect(trafficSource('example.com', 'https://example.com/a', 'https://example.com/b', keep).source).toBe('');
    expect(trafficSource('example.com', 'https://app.example.com/a', 'https://www.example.com/', keep).source).toBe('');
    expect(trafficSource('example.com', 'https://example.com/a', '', keep).source).toBe('');
  });

  test('utm_* from the page URL, cleaned by scrubText', () => {
    const source = trafficSource('s.test', 'https://s.test/?utm_source=news&utm_medium=email&utm_campaign=a%40b.com', '', (t) => t.replace(/\S+@\S+/, '[email]'));
    expect(source).toEqual({ source: '', utmSource: 'news', utmMedium: 'email', utmCampaign: '[email]' });
  });
});
