import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, expect, test } from 'vitest';
import { DailySalts } from '../../collector/src/ingest/daily-salts.js';
import { spawnCollector, type CollectorProcess } from '../support/collector-process.js';
import { event, postBatch, tempDataDir } from '../support/collector-fixtures.js';

// "Salts older than two days do not exist anywhere": not on disk (salts/, store, WAL, any file),
// not reused in memory, whatever the data dir held before the start.
const DAY_MS = 86_400_000;
const dayName = (offset: number, now = Date.now()) => new Date(Math.floor(now / DAY_MS) * DAY_MS + offset * DAY_MS).toISOString().slice(0, 10);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

let collector: CollectorProcess | undefined;
afterEach(() => collector?.kill());

test('a collector started on a data dir with old salts deletes every salt older than yesterday, and they appear in no file', async () => {
  const dataDir = tempDataDir();
  mkdirSync(join(dataDir, 'salts'));
  const old = new Map<string, Buffer>();
  for (const offset of [-30, -7, -3, -2]) {
    const salt = randomBytes(16);
    old.set(dayName(offset), salt);
    writeFileSync(join(dataDir, 'salts', dayName(offset)), salt);
  }
  const yesterday = randomBytes(16);
  writeFileSync(join(dataDir, 'salts', dayName(-1)), yesterday);
  writeFileSync(join(dataDir, 'salts', 'not-a-day'), randomBytes(16));

  collector = await spawnCollector({ dataDir, env: { WISP_RATE_LIMIT: '0' } });
  expect((await postBatch(collector.url, 'salt.test', [event({ url: 'https://salt.test/' })])).status).toBe(202);
  const left = readdirSync(join(dataDir, 'salts')).sort();
  expect(left).toEqual([dayName(-1), dayName(0)]);
  expect(readFileSync(join(dataDir, 'salts', dayName(-1)))).toEqual(yesterday); // kept: sessions cross midnight
  await collector.stop();

  const needles = [...old.values()].flatMap((salt) => [salt.toString('latin1'), salt.toString('hex'), salt.toString('base64'), salt.toString('base64url')]);
  for (const file of filesUnder(dataDir)) {
    const content = readFileSync(file).toString('latin1');
    for (const needle of needles) expect(content.includes(needle), `an old salt in ${file}`).toBe(false);
  }
  expect(collector.output()).not.toMatch(new RegExp([...old.values()].map((s) => s.toString('hex')).join('|')));
});

test('across ten simulated days at most two salts exist, and an arrival dated before yesterday never revives an old one', () => {
  const dataDir = tempDataDir();
  const start = Date.parse('2026-03-01T12:00:00Z');
  const salts = new DailySalts(dataDir, start);
  const seen: string[] = [];
  for (let day = 0; day < 10; day++) {
    const now = start + day * DAY_MS;
    const salt = Buffer.from(salts.saltFor(now)).toString('hex');
    seen.push(salt);
    const files = readdirSync(join(dataDir, 'salts')).sort();
    expect(files).toEqual(day === 0 ? [dayName(0, now)] : [dayName(-1, now), dayName(0, now)]);
    // A late request "arriving" three days ago gets today's key, never a recreated old day.
    expect(Buffer.from(salts.saltFor(now - 3 * DAY_MS)).toString('hex')).toBe(salt);
    expect(readdirSync(join(dataDir, 'salts'))).toHaveLength(files.length);
  }
  expect(new Set(seen).size).toBe(10); // a fresh random salt every day
  // A restart on day 10 keeps nothing older than day 9.
  new DailySalts(dataDir, start + 10 * DAY_MS);
  expect(readdirSync(join(dataDir, 'salts')).sort()).toEqual([dayName(-1, start + 10 * DAY_MS), dayName(0, start + 10 * DAY_MS)]);
});
