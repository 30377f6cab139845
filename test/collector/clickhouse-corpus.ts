import type { StoredEvent } from '../../collector/src/store/store.js';

/** 2026-11-20 09:00 UTC: the corpus's first visit. */
export const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);
export const MINUTE = 60_000;

/**
 * A small deterministic corpus shared by the ClickHouse store tests: 12 visitors, sessions split by
 * > 30 min gaps, bounces, custom events, vitals, errors, sources and UTM tags; 5 ms apart within a
 * visit so every order is unambiguous.
 */
export function corpus(): StoredEvent[] {
  const events: StoredEvent[] = [];
  let id = 1n;
  const paths = ['/', '/pricing', '/docs', '/blog/a'];
  for (let v = 0; v < 12; v++) {
    const visits = 1 + (v % 3);
    for (let visit = 0; visit < visits; visit++) {
      const start = T0 + v * 7 * MINUTE + visit * 45 * MINUTE;
      const pageviews = 1 + ((v + visit) % 4);
      for (let p = 0; p < pageviews; p++) {
        events.push(corpusEvent(id++, v, 'pageview', start + p * 3 * MINUTE + p * 5, paths[(v + p) % 4]!, null, null));
      }
      if (v % 4 === 1) events.push(corpusEvent(id++, v, 'event', start + 2 * MINUTE, '/', 'signup', null));
      if (v % 3 === 0) events.push(corpusEvent(id++, v, 'vital', start + MINUTE, '/', 'LCP', 800 + v * 37 + visit));
      if (v === 5) events.push(corpusEvent(id++, v, 'error', start + MINUTE, '/', 'TypeError: x is undefined', null));
    }
  }
  return events;
}

/** One event of visitor `v` with the corpus's dimensions. */
export function corpusEvent(
  idHash: bigint, v: number, type: StoredEvent['type'], ts: number, path: string, name: string | null, value: number | null,
): StoredEvent {
  return {
    site: 'example.com', idHash: idHash * 1_000_003n + 18_000_000_000_000_000_000n, type, ts, receivedAt: ts + 250,
    visitor: 10_000_000_000_000_000_000n + BigInt(v), path, name, value, props: type === 'event' ? '{"plan":"pro"}' : '{}',
    source: v % 2 === 0 ? 'news.ycombinator.com' : '', utmSource: v % 5 === 0 ? 'newsletter' : '', utmMedium: v % 5 === 0 ? 'email' : '',
    utmCampaign: '', country: ['DE', 'FR', 'US', ''][v % 4]!, browser: v % 2 ? 'Firefox' : 'Chrome', os: v % 3 ? 'Linux' : 'Windows',
    device: v % 4 === 3 ? 'mobile' : 'desktop',
  };
}
