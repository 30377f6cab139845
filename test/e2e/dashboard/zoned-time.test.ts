// Day boundaries in a time zone without a date library (collector/dashboard/lib/zoned-time.ts):
// the "today" and custom ranges depend on them, including on days when the clocks change.
import { describe, expect, it } from 'vitest';
import { resolveRange } from '../../../collector/dashboard/lib/range.js';
import { startOfZonedDay, zonedMidnight } from '../../../collector/dashboard/lib/zoned-time.js';

const iso = (ms: number) => new Date(ms).toISOString();

describe('zonedMidnight', () => {
  it.each([
    ['UTC', 2026, 11, 25, '2026-11-25T00:00:00.000Z'],
    ['Asia/Tokyo', 2026, 11, 2, '2026-11-01T15:00:00.000Z'],
    ['America/Los_Angeles', 2026, 7, 4, '2026-07-04T07:00:00.000Z'],
    ['Europe/Berlin', 2026, 3, 29, '2026-03-28T23:00:00.000Z'], // DST starts at 02:00 that day
    ['Europe/Berlin', 2026, 3, 30, '2026-03-29T22:00:00.000Z'], // first midnight in summer time
    ['America/New_York', 2026, 11, 1, '2026-11-01T04:00:00.000Z'], // DST ends at 02:00 that day
    ['Asia/Kolkata', 2026, 1, 1, '2025-12-31T18:30:00.000Z'],
  ] as const)('%s %i-%i-%i starts at %s', (zone, y, m, d, expected) => {
    expect(iso(zonedMidnight(y, m, d, zone))).toBe(expected);
  });

  it('finds the start of the day containing an instant', () => {
    expect(iso(startOfZonedDay(Date.parse('2026-11-25T20:00:00Z'), 'Asia/Tokyo'))).toBe('2026-11-25T15:00:00.000Z');
    expect(iso(startOfZonedDay(Date.parse('2026-11-25T14:59:59Z'), 'Asia/Tokyo'))).toBe('2026-11-24T15:00:00.000Z');
  });
});

describe('resolveRange', () => {
  const now = Date.parse('2026-11-25T20:00:00Z');
  const view = { site: 's', from: '', to: '', tz: '', filters: '' };
  it('maps each named range to [from, to)', () => {
    expect(resolveRange({ ...view, range: 'realtime' }, 'UTC', now)).toEqual({ from: now - 30 * 60_000, to: now });
    expect(resolveRange({ ...view, range: 'today' }, 'UTC', now)).toEqual({ from: Date.parse('2026-11-25T00:00:00Z'), to: now });
    expect(resolveRange({ ...view, range: '7d' }, 'UTC', now)).toEqual({ from: now - 7 * 86_400_000, to: now });
    expect(resolveRange({ ...view, range: 'custom', from: '2026-11-20', to: '2026-11-21' }, 'UTC', now)).toEqual({
      from: Date.parse('2026-11-20T00:00:00Z'),
      to: Date.parse('2026-11-22T00:00:00Z'),
    });
  });

  it('caps a custom range at now and falls back to 7 days when its days are unusable', () => {
    expect(resolveRange({ ...view, range: 'custom', from: '2026-11-25', to: '2026-11-30' }, 'UTC', now).to).toBe(now);
    expect(resolveRange({ ...view, range: 'custom', from: 'x', to: '' }, 'UTC', now)).toEqual({ from: now - 7 * 86_400_000, to: now });
  });
});
