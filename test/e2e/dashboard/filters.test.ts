// The filters= syntax (docs/dashboard.md) shared by the dashboard and /api/stats. Pure logic, so a
// Node unit test; it lives here with the dashboard's other tests.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FILTER_DIMENSIONS, type Filter, FilterError, formatFilters, parseFilters, withFilter } from '../../../collector/dashboard/filters.js';

describe('parseFilters', () => {
  it('reads dimension:value pairs separated by semicolons', () => {
    expect(parseFilters('page:/pricing;country:DE;event:signup')).toEqual([
      { dimension: 'page', value: '/pricing' },
      { dimension: 'country', value: 'DE' },
      { dimension: 'event', value: 'signup' },
    ]);
  });

  it('treats empty input as no filters and ignores empty pairs', () => {
    expect(parseFilters('')).toEqual([]);
    expect(parseFilters(null)).toEqual([]);
    expect(parseFilters(';page:/a;')).toEqual([{ dimension: 'page', value: '/a' }]);
  });

  it('keeps everything after the first colon and percent-decodes the value', () => {
    expect(parseFilters('page:/a:b')).toEqual([{ dimension: 'page', value: '/a:b' }]);
    expect(parseFilters('page:/a%3Bb%25c')).toEqual([{ dimension: 'page', value: '/a;b%c' }]);
  });

  it('lets a later pair replace an earlier one of the same dimension', () => {
    expect(parseFilters('country:DE;country:FR')).toEqual([{ dimension: 'country', value: 'FR' }]);
  });

  it.each(['nope:1', 'page', ':x', 'page:', 'page:%E0%A4%A', '__proto__:x', 'x'.repeat(3000)])('rejects %j', (raw) => {
    expect(() => parseFilters(raw)).toThrow(FilterError);
  });
});

describe('formatFilters', () => {
  it('round-trips any filter list', () => {
    const filter = fc.record({
      dimension: fc.constantFrom(...(Object.keys(FILTER_DIMENSIONS) as Filter['dimension'][])),
      value: fc.string({ minLength: 1, maxLength: 40 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(filter, { selector: (f) => f.dimension, maxLength: 7 }), (filters) => {
        expect(parseFilters(formatFilters(filters))).toEqual(filters);
      }),
    );
  });

  it('sets, replaces and removes one dimension with withFilter', () => {
    const start = parseFilters('page:/a;country:DE');
    expect(formatFilters(withFilter(start, 'country', 'FR'))).toBe('page:/a;country:FR');
    expect(formatFilters(withFilter(start, 'page', null))).toBe('country:DE');
  });
});

describe('the collector agrees', () => {
  // collector/src/stats/stats-filters.ts restates the syntax (the collector compiles only src/):
  // both must accept, reject and read every input the same way.
  it('parses exactly like the dashboard', async () => {
    const { parseStatsFilters } = await import('../../../collector/src/stats/stats-filters.js');
    const outcome = <T>(parse: () => T) => {
      try {
        return { ok: parse() };
      } catch {
        return { error: true };
      }
    };
    const piece = fc.oneof(
      fc.constantFrom(...Object.keys(FILTER_DIMENSIONS), 'nope', '', 'page:', ':', ';', '%', '%3B', '%25', '%E0%A4%A'),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')), (raw) => {
        expect(outcome(() => parseStatsFilters(raw))).toEqual(outcome(() => parseFilters(raw)));
      }),
      { numRuns: 2000 },
    );
  });
});
