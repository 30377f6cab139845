import { describe, expect, it } from 'vitest';
import { scrubProps, scrubText, scrubUrl } from '../../../sdk/src/scrub/index.js';
import { PROPS_CASES, TEXT_CASES, URL_CASES } from './scrub-corpus.js';

describe('scrub corpus', () => {
  it('has at least 100 cases, positives and negatives', () => {
    const all = [...URL_CASES, ...TEXT_CASES];
    expect(all.length + PROPS_CASES.length).toBeGreaterThanOrEqual(100);
    expect(all.filter(([input, output]) => input === output).length).toBeGreaterThanOrEqual(35);
  });

  it.each(URL_CASES)('scrubUrl(%j) -> %j', (input, expected) => {
    expect(scrubUrl(input)).toBe(expected);
  });

  it.each(TEXT_CASES)('scrubText(%j) -> %j', (input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it.each(PROPS_CASES)('scrubProps(%j) -> %j', (input, expected) => {
    expect(scrubProps(input)).toEqual(expected);
  });
});

describe('scrubUrl options', () => {
  it('keeps only the given params when allowParams is set, prefixes with *', () => {
    const url = 'https://example.com/s?q=boots&utm_source=x&lang=de&filter_color=red';
    expect(scrubUrl(url, { allowParams: ['q', 'filter_*'] })).toBe('https://example.com/s?q=boots&filter_color=red');
    expect(scrubUrl(url, { allowParams: [] })).toBe('https://example.com/s');
  });

  it('is idempotent (the collector scrubs again)', () => {
    for (const [input] of URL_CASES) expect(scrubUrl(scrubUrl(input))).toBe(scrubUrl(input));
    for (const [input] of TEXT_CASES) expect(scrubText(scrubText(input))).toBe(scrubText(input));
  });
});
