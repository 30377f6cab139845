import { describe, expect, test } from 'vitest';
import { cachedScrubber } from '../../collector/src/ingest/scrub-cache.js';

/** A toy hash that records what it was asked to hash. */
function recordingHash() {
  const hashed: string[] = [];
  const hash = (text: string) => {
    hashed.push(text);
    let h = 1469598103934665603n;
    for (const char of text) h = BigInt.asUintN(64, (h ^ BigInt(char.codePointAt(0)!)) * 1099511628211n);
    return h;
  };
  return { hash, hashed };
}

describe('cachedScrubber', () => {
  test('scrubs each distinct text once; clean texts are looked up without hashing', () => {
    const calls: string[] = [];
    const { hash, hashed } = recordingHash();
    const scrub = cachedScrubber((raw) => {
      calls.push(raw);
      return raw.replace(/[^/]+@[^/]+/g, '[email]');
    }, hash);
    expect(scrub('/pricing')).toBe('/pricing');
    expect(scrub('/user/ann@example.com')).toBe('/user/[email]');
    expect(scrub('/pricing')).toBe('/pricing');
    expect(scrub('/user/ann@example.com')).toBe('/user/[email]');
    expect(calls).toEqual(['/pricing', '/user/ann@example.com']);
    // The clean path was hashed once (its first miss), the dirty one on every lookup (its key is the hash).
    expect(hashed).toEqual(['/pricing', '/user/ann@example.com', '/user/ann@example.com']);
  });

  test('stays bounded: the oldest entries go first', () => {
    const calls: string[] = [];
    const scrub = cachedScrubber((raw) => (calls.push(raw), raw), recordingHash().hash, 2);
    for (const text of ['/a', '/b', '/c', '/c', '/a']) scrub(text);
    expect(calls).toEqual(['/a', '/b', '/c', '/a']); // '/a' was evicted by '/c'
  });
});
