import { closeSync, readSync } from 'node:fs';
import type { KeyBloom } from './key-bloom.js';
import { HI, LO } from './u64-set.js';
import { releaseArray } from '../memory/release-array.js';

/** Keys per fence: a confirmed "maybe" reads one block of 256 keys (2 KiB) from the file. */
export const FENCE_KEYS = 256;

const readBuffer = new BigUint64Array(FENCE_KEYS);
const readWords = new Uint32Array(readBuffer.buffer);
const readBytes = new Uint8Array(readBuffer.buffer);

/** What a run is made of (see KeyRunWriter). */
export interface KeyRunParts {
  path: string;
  /** Open for reading. */
  fd: number;
  count: number;
  bloom: KeyBloom;
  /** Every FENCE_KEYS-th key, as word pairs (`[2i + LO]`, `[2i + HI]`). */
  fences: Uint32Array;
}

/**
 * An immutable run of dedupe keys of one arrival day: sorted 64-bit keys in a file, and in memory
 * only a Bloom filter and every 256th key (~1.5 bytes a key, against 11-21 for a key in a U64Set).
 * A lookup the filter cannot rule out (0.3-0.5% of strangers, and every real retry) reads one
 * 2 KiB block, from the page cache as a rule.
 */
export class KeyRun {
  readonly path: string;
  readonly count: number;
  private fd: number;
  private readonly bloom: KeyBloom;
  private readonly fences: Uint32Array;

  constructor(parts: KeyRunParts) {
    this.path = parts.path;
    this.fd = parts.fd;
    this.count = parts.count;
    this.bloom = parts.bloom;
    this.fences = parts.fences;
  }

  /** (lo, hi): the key's halves, not both 0 (see U64Set). */
  has(lo: number, hi: number): boolean {
    if (this.fd < 0) throw new Error(`dedupe run ${this.path} is closed`); // its filter is gone too
    if (this.count === 0 || !this.bloom.mightHave(lo, hi)) return false;
    const block = lastAtMost(this.fences, this.fences.length / 2, lo, hi);
    if (block < 0) return false;
    const first = block * FENCE_KEYS;
    const n = Math.min(FENCE_KEYS, this.count - first);
    const bytes = n * 8;
    let read = 0;
    while (read < bytes) {
      const got = readSync(this.fd, readBytes, read, bytes - read, first * 8 + read);
      if (got === 0) throw new Error(`dedupe run ${this.path} is shorter than its ${this.count} keys`);
      read += got;
    }
    const at = lastAtMost(readWords, n, lo, hi);
    return at >= 0 && readWords[at * 2 + LO] === lo && readWords[at * 2 + HI] === hi;
  }

  /** Bytes of memory (the file is not counted). */
  get byteLength(): number {
    return this.bloom.byteLength + this.fences.byteLength;
  }

  /** Closes the file and frees the filter (lookups after this are a bug, and throw). */
  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
    // A merged run's filter is up to ~50 MB (32M keys); without this it waits for a full GC.
    releaseArray(this.bloom.words);
    releaseArray(this.fences);
  }
}

/** Unsigned order of keys given as halves. */
export function compareKeys(hiA: number, loA: number, hiB: number, loB: number): number {
  return hiA !== hiB ? (hiA < hiB ? -1 : 1) : loA !== loB ? (loA < loB ? -1 : 1) : 0;
}

/** Index of the last of the first `n` sorted word-pair keys that is <= (lo, hi); -1 when all are greater. */
function lastAtMost(words: Uint32Array, n: number, lo: number, hi: number): number {
  let low = 0;
  let high = n - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (compareKeys(words[mid * 2 + HI]!, words[mid * 2 + LO]!, hi, lo) <= 0) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}
