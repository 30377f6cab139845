import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AlertConfigError, AlertEngine, DeliveryLedger, evaluateRules, loadAlertConfig, parseAlertConfig, rollupsAlertSource,
} from '../../../collector/src/alerts/index.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, Rollups } from '../../../collector/src/rollups/index.js';
import type { StreamEvent } from '../../../collector/src/sessions/index.js';

const NOW = Date.UTC(2026, 10, 25, 12, 7);
const ev = (id: string, type: StreamEvent['type'], ts: number, name: string | null = null): StreamEvent =>
  ({ site: 's', visitor: `v${id}`, id, type, path: '/', ts, name });

function rollupsWith(events: StreamEvent[]): Rollups {
  const rollups = new Rollups({ clock: () => NOW, coveredFrom: NOW - 10 * DAY_MS });
  rollups.addEvents(events);
  return rollups;
}

const config = (url: string, format = 'slack') => parseAlertConfig({
  webhooks: { ops: { url, format } },
  rules: [
    { id: 'errors', site: 's', kind: 'errors', threshold: 3, webhook: 'ops' },
    { id: 'signup', site: 's', kind: 'goal', event: 'signup', webhook: 'ops' },
    { id: 'spike', site: 's', kind: 'spike', factor: 2, minPageviews: 5, webhook: 'ops' },
  ],
});

describe('alert config', () => {
  it('parses the documented format with defaults, from a file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wisp-alerts-')), 'alerts.json');
    writeFileSync(path, JSON.stringify({ webhooks: { ops: { url: 'http://127.0.0.1:1/hook' } }, rules: [{ id: 'e', site: 's', kind: 'errors', threshold: 10, webhook: 'ops' }] }));
    expect(loadAlertConfig(path)).toEqual({
      webhooks: { ops: { url: 'http://127.0.0.1:1/hook', format: 'slack' } },
      rules: [{ id: 'e', site: 's', kind: 'errors', threshold: 10, windowMinutes: 5, webhook: 'ops' }],
    });
  });
  it('rejects bad configs with the field named', () => {
    expect(() => parseAlertConfig({ webhooks: {}, rules: [{ id: 'a', site: 's', kind: 'errors', threshold: 1, webhook: 'nope' }] })).toThrow(/rules\[0\]\.webhook/);
    expect(() => parseAlertConfig({ webhooks: { a: { url: 'ftp://x' } }, rules: [] })).toThrow(AlertConfigError);
    expect(() => parseAlertConfig({ webhooks: { a: { url: 'http://x' } }, rules: [{ id: 'a', site: 's', kind: 'boom', webhook: 'a' }] })).toThrow(/kind/);
  });
});

describe('evaluateRules', () => {
  it('errors above N in a 5-minute window, goal reached, spike vs the same hour last week', () => {
    const window5 = Math.floor(NOW / (5 * MINUTE_MS)) * (5 * MINUTE_MS);
    const hour = Math.floor(NOW / HOUR_MS) * HOUR_MS;
    const events = [
      ...[0, 1, 2, 3].map((i) => ev(`err${i}`, 'error', window5 + i * 1000, 'boom')),
      ...[0, 1, 2].map((i) => ev(`old${i}`, 'error', window5 - 10 * MINUTE_MS + i, 'boom')), // 3: not above 3
      ev('goal', 'event', NOW - MINUTE_MS, 'signup'),
      ...Array.from({ length: 6 }, (_, i) => ev(`pv${i}`, 'pageview', hour + i * 1000)),
      ...Array.from({ length: 2 }, (_, i) => ev(`lw${i}`, 'pageview', hour - 7 * DAY_MS + i * 1000)),
    ];
    const alerts = evaluateRules(config('http://x').rules, rollupsAlertSource(rollupsWith(events)), NOW);
    expect(alerts.map((a) => [a.key, a.value])).toEqual([
      [`errors:${window5}`, 4],
      [`signup:${Math.floor(NOW / DAY_MS) * DAY_MS}`, 1],
      [`spike:${hour}`, 6],
    ]);
  });
  it('never fires on ranges the rollups do not cover (e.g. last week before the data)', () => {
    const hour = Math.floor(NOW / HOUR_MS) * HOUR_MS;
    const rollups = new Rollups({ clock: () => NOW, coveredFrom: NOW - DAY_MS });
    rollups.addEvents(Array.from({ length: 50 }, (_, i) => ev(`pv${i}`, 'pageview', hour + i)));
    expect(evaluateRules(config('http://x').rules, rollupsAlertSource(rollups), NOW)).toEqual([]);
  });
});

describe('webhook delivery against a local receiver', () => {
  let server: Server | null = null;
  afterEach(async () => {
    server?.close();
    server = null;
  });

  async function receiver(failFirst: number, failStatus = 503) {
    const requests: { key: string; body: unknown; status: number }[] = [];
    server = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        const status = requests.length < failFirst ? failStatus : 200;
        requests.push({ key: String(req.headers['idempotency-key']), body: JSON.parse(data), status });
        res.writeHead(status).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, requests };
  }

  const errorEvents = Array.from({ length: 5 }, (_, i) => ev(`e${i}`, 'error', NOW - 1000 * i, 'boom'));

  it('retries with backoff until the receiver accepts, then never sends the same alert again (also after a restart)', async () => {
    const { url, requests } = await receiver(2);
    const ledgerPath = join(mkdtempSync(join(tmpdir(), 'wisp-ledger-')), 'delivered.txt');
    const source = rollupsAlertSource(rollupsWith(errorEvents));
    const delays: number[] = [];
    const retry = { baseDelayMs: 10, sleep: (ms: number) => (delays.push(ms), new Promise<void>((r) => setTimeout(r, ms))) };
    const engine = new AlertEngine({ config: config(url), source, clock: () => NOW, ledger: new DeliveryLedger(ledgerPath), retry });
    const [reports, concurrent] = await Promise.all([engine.tick(), engine.tick()]);
    expect(concurrent).toEqual([]);
    expect(reports.map((r) => r.result)).toEqual([{ ok: true, attempts: 3, last: '200' }]);
    expect(delays).toEqual([10, 20]);
    expect(requests.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(new Set(requests.map((r) => r.key))).toEqual(new Set([reports[0]!.alert.key]));
    expect(requests[2]!.body).toMatchObject({ text: expect.stringContaining('5 errors') });

    expect(await engine.tick()).toEqual([]);
    const restarted = new AlertEngine({ config: config(url), source, clock: () => NOW, ledger: new DeliveryLedger(ledgerPath), retry });
    expect(await restarted.tick()).toEqual([]);
    expect(requests).toHaveLength(3);
  });

  it('the delivery ledger forgets keys of windows older than 8 days and rewrites its file', () => {
    const ledgerPath = join(mkdtempSync(join(tmpdir(), 'wisp-ledger-')), 'delivered.txt');
    const ledger = new DeliveryLedger(ledgerPath);
    const old = NOW - 9 * 86_400_000;
    expect(ledger.claim(`errors:${old}`)).toBe(true);
    expect(ledger.claim(`a:b:${NOW}`)).toBe(true);
    expect(ledger.trim(NOW)).toBe(1);
    expect(ledger.trim(NOW)).toBe(0);
    expect(readFileSync(ledgerPath, 'utf8')).toBe(`a:b:${NOW}\n`);
    const reopened = new DeliveryLedger(ledgerPath);
    expect(reopened.has(`a:b:${NOW}`)).toBe(true);
    expect(reopened.size).toBe(1);
  });

  it('sends Discord-shaped bodies and gives up at once on a 4xx that retrying cannot fix', async () => {
    const { url, requests } = await receiver(1, 400);
    const engine = new AlertEngine({ config: config(url, 'discord'), source: rollupsAlertSource(rollupsWith(errorEvents)), clock: () => NOW, retry: { baseDelayMs: 1 } });
    const [report] = await engine.tick();
    expect(report!.result).toEqual({ ok: false, attempts: 1, last: '400' });
    expect(requests[0]!.body).toMatchObject({ content: expect.stringContaining('errors'), embeds: [{ title: expect.any(String) }] });
  });
});
