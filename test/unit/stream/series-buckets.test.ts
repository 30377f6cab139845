import { describe, expect, it } from 'vitest';
import {
  chooseInterval, DAY_MS, HOUR_MS, isValidTimeZone, MINUTE_MS, seriesBuckets, startOfZonedDay, zoneOffsetMs,
} from '../../../collector/src/rollups/index.js';

const iso = (t: number) => new Date(t).toISOString();

describe('series buckets', () => {
  it('chooses minute / hour / day by range length', () => {
    const t = Date.UTC(2026, 0, 1);
    expect(chooseInterval(t, t + HOUR_MS)).toBe('minute');
    expect(chooseInterval(t, t + DAY_MS)).toBe('hour');
    expect(chooseInterval(t, t + 30 * DAY_MS)).toBe('day');
  });

  it('UTC day buckets clip the first and last bucket to the range', () => {
    const from = Date.UTC(2026, 0, 1, 12);
    const buckets = seriesBuckets(from, from + 2 * DAY_MS, 'day');
    expect(buckets.map((b) => [iso(b.t), iso(b.from), iso(b.to)])).toEqual([
      ['2026-01-01T00:00:00.000Z', '2026-01-01T12:00:00.000Z', '2026-01-02T00:00:00.000Z'],
      ['2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '2026-01-03T00:00:00.000Z'],
      ['2026-01-03T00:00:00.000Z', '2026-01-03T00:00:00.000Z', '2026-01-03T12:00:00.000Z'],
    ]);
  });

  it('day boundaries follow the IANA zone, including a 23-hour DST day', () => {
    const tz = 'America/New_York';
    const from = Date.UTC(2026, 2, 7, 5); // 2026-03-07 00:00 EST
    const buckets = seriesBuckets(from, from + 3 * DAY_MS, 'day', tz);
    expect(buckets.map((b) => iso(b.t))).toEqual([
      '2026-03-07T05:00:00.000Z', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z', '2026-03-10T04:00:00.000Z',
    ]);
    expect(buckets[1]!.to - buckets[1]!.from).toBe(23 * HOUR_MS);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 1), 'Europe/Paris')).toBe(2 * HOUR_MS);
    expect(startOfZonedDay(Date.UTC(2026, 6, 1, 23), 'Asia/Tokyo')).toBe(Date.UTC(2026, 6, 1, 15));
  });

  it('hour buckets follow half-hour zones; minute buckets are UTC minutes', () => {
    const from = Date.UTC(2026, 0, 1, 0, 10);
    expect(seriesBuckets(from, from + 2 * HOUR_MS, 'hour', 'Asia/Kolkata').map((b) => iso(b.t))).toEqual([
      '2025-12-31T23:30:00.000Z', '2026-01-01T00:30:00.000Z', '2026-01-01T01:30:00.000Z',
    ]);
    expect(seriesBuckets(from + 30_000, from + 3 * MINUTE_MS, 'minute')).toHaveLength(3);
  });

  it('rejects unknown zones and absurd bucket counts', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(() => seriesBuckets(0, 365 * DAY_MS, 'minute')).toThrow(RangeError);
  });
});
