#!/usr/bin/env node
// Realistic traffic for a Wisp collector through both ingest APIs: `POST /api/events` (the contract's
// JSON API) and, for `--beacon-share` of the batches (default 0.5), `POST /api/e` with the SDK's own
// binary beacon encoding (`wisp/beacon`; JSON only when the SDK is not built).
//
//   npm run loadgen -- --site demo --rate 200 --duration 60 [--url http://127.0.0.1:8787] [--token T]
//   npm run loadgen -- --site demo --backfill 7d [--sessions 3000]      (demo data only)
//
// Live mode keeps a pool of concurrent visitors, each clicking through the demo shop (pageviews, custom
// events, web vitals, the odd JS error) with `ts` = now, `--rate` events per second in total.
// Backfill mode writes past sessions spread over the period (within the collector's 7-day window:
// `ts` in the past, `sentAt` = now) so a fresh dashboard is not empty. It is refused for sites other
// than "demo" unless `--force`, because it invents history.
// Visitors differ by IP and User-Agent. IPs go in X-Forwarded-For, which the collector only believes
// with WISP_TRUST_PROXY=1; otherwise every visitor shares 127.0.0.1 and countries are unknown.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    site: { type: 'string', default: 'demo' },
    rate: { type: 'string', default: '50' },
    duration: { type: 'string', default: '30' },
    url: { type: 'string', default: process.env.WISP_URL ?? 'http://127.0.0.1:8787' },
    token: { type: 'string', default: process.env.WISP_TOKEN ?? '' },
    backfill: { type: 'string' },
    sessions: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '32' },
    force: { type: 'boolean', default: false },
    'beacon-share': { type: 'string', default: '0.5' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log('usage: npm run loadgen -- --site demo --rate 200 --duration 60 [--url URL] [--token T] [--beacon-share 0.5] [--backfill 7d [--sessions N]]');
  process.exit(0);
}

const base = args.url.replace(/\/$/, '');
const site = args.site;
const rate = positive('rate', args.rate);
const concurrency = positive('concurrency', args.concurrency);
const MINUTE_MS = 60_000;
/** The collector drops events older than 7 days; stay a safe margin inside. */
const MAX_BACKFILL_MS = 7 * 24 * 60 * MINUTE_MS - 30 * MINUTE_MS;

// ---- the simulated world -------------------------------------------------------------------------

/** Country -> a /16 whose addresses the bundled ip-location-db maps to it (checked by hand). */
const COUNTRY_NETS = [
  ['US', '8.8', 24], ['US', '73.0', 10], ['DE', '5.9', 14], ['GB', '86.128', 10], ['FR', '51.15', 7],
  ['NL', '145.100', 4], ['IN', '49.44', 6], ['BR', '200.147', 5], ['JP', '133.242', 5], ['CA', '24.114', 4],
  ['AU', '1.128', 3], ['SE', '81.224', 2], ['IT', '79.0', 3], ['ES', '88.0', 3], ['PL', '83.0', 2],
  ['MX', '187.188', 2], ['KR', '211.233', 2], ['AR', '190.210', 1], ['ZA', '41.0', 1],
];
const BROWSER_UAS = [
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 30],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 12],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15', 10],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', 16],
  ['Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 14],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', 6],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 2],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0', 6],
  ['Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1', 3],
  ['Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36', 3],
];
/** Bots are accepted by the collector (2xx) but must be counted nowhere. */
const BOT_UAS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
];
const REFERRERS = [
  ['', 40], ['https://www.google.com/', 25], ['https://news.ycombinator.com/', 8], ['https://duckduckgo.com/', 5],
  ['https://www.reddit.com/r/webdev/', 5], ['https://t.co/', 4], ['https://github.com/', 4], ['https://www.bing.com/', 3],
  ['utm:newsletter:email:winter-sale', 4], ['utm:twitter:social:launch', 2],
];
const PRODUCTS = ['lamp', 'chair', 'mug', 'plant'];
/** path -> weighted next paths ('' = leave). Mirrors the pages of demo/. */
const NEXT = {
  '/demo/': [['/demo/shop/', 50], ['/demo/about.html', 10], ['', 40]],
  '/demo/about.html': [['/demo/', 30], ['/demo/shop/', 30], ['', 40]],
  '/demo/shop/': [...PRODUCTS.map((p, i) => [`/demo/shop/${p}`, 20 - i * 3]), ['', 30]],
  product: [['/demo/cart.html', 30], ['/demo/shop/', 35], ['', 35]],
  '/demo/cart.html': [['/demo/checkout.html', 55], ['/demo/shop/', 20], ['', 25]],
  '/demo/checkout.html': [['/demo/thanks.html', 60], ['', 40]],
  '/demo/thanks.html': [['/demo/', 20], ['', 80]],
};
const ENTRY = [['/demo/', 55], ['/demo/shop/', 20], ['/demo/shop/lamp', 10], ['/demo/about.html', 10], ['/demo/cart.html', 5]];
const ERRORS = [
  "TypeError: Cannot read properties of undefined (reading 'price')",
  'ReferenceError: gtag is not defined',
  'Error: Network request failed',
];

function pick(weighted) {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let r = Math.random() * total;
  for (const [value, w] of weighted) if ((r -= w) < 0) return value;
  return weighted[weighted.length - 1][0];
}
/** Log-normal around `median` (vitals are long-tailed). */
function logNormal(median, spread) {
  const gauss = Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
  return median * Math.exp(gauss * spread);
}
const octet = () => 1 + Math.floor(Math.random() * 250);

function newVisitor() {
  const bot = Math.random() < 0.04;
  const [country, net] = pick(COUNTRY_NETS.map(([c, n, w]) => [[c, n], w]));
  return { bot, country, ip: `${net}.${octet()}.${octet()}`, ua: bot ? BOT_UAS[Math.floor(Math.random() * BOT_UAS.length)] : pick(BROWSER_UAS) };
}

/** A whole visit as a list of events with offsets (ms) from its start. */
function planSession() {
  const events = [];
  let at = 0;
  let path = pick(ENTRY);
  const origin = site === 'demo' ? base : `https://${site}`;
  const source = pick(REFERRERS);
  const [, utmSource, utmMedium, utmCampaign] = source.startsWith('utm:') ? source.split(':') : [];
  const push = (type, url, name, props = {}, referrer = '') =>
    events.push({ at, event: { id: randomUUID(), type, url, referrer, ts: 0, name, props } });
  for (let step = 0; path && step < 12; step++) {
    const query = step === 0 && utmSource ? `?utm_source=${utmSource}&utm_medium=${utmMedium}&utm_campaign=${utmCampaign}` : '';
    const url = origin + path + query;
    push('pageview', url, null, {}, step === 0 ? (utmSource ? '' : source) : origin + '/demo/');
    if (Math.random() < 0.7) {
      push('vital', url, 'TTFB', { value: Math.round(logNormal(250, 0.6)) });
      push('vital', url, 'FCP', { value: Math.round(logNormal(1100, 0.5)) });
      push('vital', url, 'LCP', { value: Math.round(logNormal(1900, 0.5)) });
    }
    if (path.startsWith('/demo/shop/') && path !== '/demo/shop/' && Math.random() < 0.35) {
      at += 4000 + Math.random() * 20_000;
      push('event', url, 'add_to_cart', { product: path.split('/').pop(), price: 19 + Math.floor(Math.random() * 80) });
    }
    if (path === '/demo/checkout.html' && Math.random() < 0.5) push('event', url, 'checkout_started', { items: 1 + Math.floor(Math.random() * 3) });
    if (path === '/demo/thanks.html') push('event', url, 'purchase', { plan: Math.random() < 0.3 ? 'gift' : 'standard' });
    if (path === '/demo/' && Math.random() < 0.05) push('event', url, 'newsletter_subscribe', {});
    if (Math.random() < 0.015) push('error', url, ERRORS[Math.floor(Math.random() * ERRORS.length)], { line: 1 + Math.floor(Math.random() * 300) });
    if (Math.random() < 0.4) push('vital', url, 'INP', { value: Math.round(logNormal(120, 0.7)) });
    if (Math.random() < 0.4) push('vital', url, 'CLS', { value: Math.round(logNormal(0.05, 0.9) * 1000) / 1000 });
    at += 5000 + logNormal(25_000, 0.8);
    path = pick(NEXT[path] ?? NEXT.product);
  }
  return { visitor: newVisitor(), events };
}

// ---- sending ---------------------------------------------------------------------------------------

const beaconShare = Math.min(1, Math.max(0, Number(args['beacon-share']) || 0));
const encodeBeacon = beaconShare > 0 ? await import('wisp/beacon').then((m) => m.encodeBeacon, () => null) : null;
if (beaconShare > 0 && !encodeBeacon) console.log('loadgen: wisp/beacon is not built (npm run build:sdk); sending JSON only');

const stats = { beacons: 0, requests: 0, failed: 0, accepted: 0, duplicates: 0, sent: 0, botEvents: 0, latencies: [], statuses: {}, types: {}, countries: {}, lastError: '' };
let inFlight = 0;
const waiting = [];

async function send(visitor, events) {
  while (inFlight >= concurrency) await new Promise((resolve) => waiting.push(resolve));
  inFlight++;
  const started = performance.now();
  try {
    const headers = { 'content-type': 'application/json', 'user-agent': visitor.ua, 'x-forwarded-for': visitor.ip };
    if (args.token) headers.authorization = `Bearer ${args.token}`;
    const batch = { site, sentAt: Date.now(), events };
    const asBeacon = encodeBeacon && Math.random() < beaconShare;
    if (asBeacon) {
      stats.beacons++;
      headers['content-type'] = 'text/plain'; // what the SDK sends: no CORS preflight
    }
    const response = asBeacon
      ? await fetch(`${base}/api/e`, { method: 'POST', headers, body: encodeBeacon(batch) })
      : await fetch(`${base}/api/events`, { method: 'POST', headers, body: JSON.stringify(batch) });
    const body = await response.json().catch(() => ({}));
    stats.statuses[response.status] = (stats.statuses[response.status] ?? 0) + 1;
    if (response.ok) {
      stats.accepted += body.accepted ?? 0;
      stats.duplicates += body.duplicates ?? 0;
    } else {
      stats.failed++;
      stats.lastError = `${response.status} ${body.error ?? ''} ${body.detail ?? ''}`.trim();
    }
  } catch (error) {
    stats.failed++;
    stats.lastError = error.cause?.code ?? error.message;
  } finally {
    stats.requests++;
    stats.latencies.push(performance.now() - started);
    inFlight--;
    waiting.shift()?.();
  }
  stats.sent += events.length;
  if (visitor.bot) stats.botEvents += events.length;
  else stats.countries[visitor.country] = (stats.countries[visitor.country] ?? 0) + 1;
  for (const e of events) stats.types[e.type] = (stats.types[e.type] ?? 0) + 1;
}

/** Live: a pool of visitors mid-visit; every 100 ms the events due at `rate` go out, stamped now. */
async function runLive(durationMs) {
  const poolSize = Math.max(5, Math.min(3000, Math.round(rate * 4)));
  const pool = Array.from({ length: poolSize }, () => ({ ...planSession(), next: 0 }));
  const started = Date.now();
  let generated = 0;
  const pending = new Set();
  while (Date.now() - started < durationMs) {
    // Catch up with the wall clock, so slow ticks do not lower the rate.
    let due = Math.floor((rate * (Date.now() - started)) / 1000) - generated;
    const batches = new Map();
    while (due > 0) {
      const index = Math.floor(Math.random() * pool.length);
      let session = pool[index];
      if (session.next >= session.events.length) session = pool[index] = { ...planSession(), next: 0 };
      const { event } = session.events[session.next++];
      (batches.get(session) ?? batches.set(session, []).get(session)).push({ ...event, ts: Date.now() });
      due--;
      generated++;
    }
    for (const [session, events] of batches) {
      const p = send(session.visitor, events).finally(() => pending.delete(p));
      pending.add(p);
    }
    progress((Date.now() - started) / durationMs);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await Promise.all(pending);
}

/** Backfill: `count` whole sessions, start times spread over the period with a day/night rhythm. */
async function runBackfill(periodMs, count) {
  const now = Date.now();
  const pending = new Set();
  for (let i = 0; i < count; i++) {
    const session = planSession();
    let start;
    do start = now - Math.random() * periodMs;
    while (Math.random() > 0.35 + 0.65 * Math.sin((Math.PI * new Date(start).getUTCHours()) / 24) ** 2);
    const lastOffset = session.events.at(-1)?.at ?? 0;
    start = Math.min(start, now - lastOffset - MINUTE_MS);
    start = Math.max(start, now - MAX_BACKFILL_MS);
    const events = session.events.map(({ at, event }) => ({ ...event, ts: Math.round(start + at) }));
    const p = send(session.visitor, events).finally(() => pending.delete(p));
    pending.add(p);
    if (pending.size >= concurrency * 2) await Promise.race(pending);
    progress(stats.requests / count);
  }
  await Promise.all(pending);
}

// ---- output ----------------------------------------------------------------------------------------

const runStarted = Date.now();
let lastLine = 0;
function progress(fraction) {
  const now = Date.now();
  if (now - lastLine < 200 && fraction < 1) return;
  lastLine = now;
  const seconds = (now - runStarted) / 1000;
  const width = 30;
  const done = Math.round(Math.min(1, fraction) * width);
  const line = `[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${Math.round(fraction * 100)}% ${seconds.toFixed(1)}s ` +
    `${stats.sent.toLocaleString('en')} events (${Math.round(stats.sent / Math.max(seconds, 0.1))}/s) ` +
    `ok ${stats.requests - stats.failed} failed ${stats.failed}`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
  else if (now - (progress.lastPlain ?? 0) > 5000) {
    progress.lastPlain = now;
    process.stderr.write(`${line}\n`);
  }
}

function summary(mode) {
  if (process.stderr.isTTY) process.stderr.write('\n');
  const sorted = [...stats.latencies].sort((a, b) => a - b);
  const q = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1) : '-');
  const seconds = (Date.now() - runStarted) / 1000;
  const topCountries = Object.entries(stats.countries).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([c, n]) => `${c} ${n}`).join(', ');
  console.log(`\nwisp loadgen summary (${mode}, site "${site}", ${base})`);
  console.log(`  time          ${seconds.toFixed(1)} s`);
  console.log(`  events sent   ${stats.sent} (${Object.entries(stats.types).map(([t, n]) => `${t} ${n}`).join(', ')})`);
  console.log(`  from bots     ${stats.botEvents} (accepted, but counted nowhere)`);
  console.log(`  accepted      ${stats.accepted}, duplicates ${stats.duplicates}`);
  console.log(`  requests      ${stats.requests}, ${stats.beacons} of them binary beacons to /api/e (${Object.entries(stats.statuses).map(([s, n]) => `${s}: ${n}`).join(', ') || 'none'}), failed ${stats.failed}${stats.lastError ? ` (last: ${stats.lastError})` : ''}`);
  console.log(`  latency ms    p50 ${q(0.5)}  p95 ${q(0.95)}  p99 ${q(0.99)}`);
  console.log(`  sessions by country (requests): ${topCountries}`);
  console.log('  hint: countries and distinct visitors come from X-Forwarded-For, which the collector only trusts with WISP_TRUST_PROXY=1.');
}

function positive(name, raw) {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`loadgen: --${name} must be a positive number, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

function parsePeriod(raw) {
  const match = /^(\d+(?:\.\d+)?)([mhd])$/.exec(raw);
  if (!match) {
    console.error(`loadgen: --backfill takes a period like 7d, 24h or 90m, got "${raw}"`);
    process.exit(2);
  }
  const unit = { m: MINUTE_MS, h: 60 * MINUTE_MS, d: 24 * 60 * MINUTE_MS }[match[2]];
  return Math.min(Number(match[1]) * unit, MAX_BACKFILL_MS);
}

try {
  const health = await fetch(`${base}/healthz`);
  if (!health.ok) throw new Error(`/healthz answered ${health.status}`);
} catch (error) {
  console.error(`loadgen: no collector at ${base} (${error.cause?.code ?? error.message}). Start one with \`npm start\` or pass --url.`);
  process.exit(1);
}

if (args.backfill) {
  if (site !== 'demo' && !args.force) {
    console.error('loadgen: --backfill invents history; it is meant for the demo site only (use --site demo, or --force).');
    process.exit(2);
  }
  const period = parsePeriod(args.backfill);
  const count = Math.round(positive('sessions', args.sessions));
  console.log(`loadgen: DEMO BACKFILL: ${count} made-up sessions over the last ${(period / 3_600_000).toFixed(1)} h for site "${site}"`);
  await runBackfill(period, count);
  summary('backfill, demo data');
} else {
  const duration = positive('duration', args.duration);
  console.log(`loadgen: ${rate} events/s for ${duration} s to ${base} (site "${site}")`);
  await runLive(duration * 1000);
  summary('live');
}
process.exit(stats.failed > 0 && stats.failed === stats.requests ? 1 : 0);
