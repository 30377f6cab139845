import { fingerprint53 } from '../sessions/fingerprint.js';
import { Fingerprint32Set } from './fingerprint32-set.js';

/** Members kept in a plain array (no typed-array overhead) before switching to a hash table. */
const SMALL_LIMIT = 16;

/** 32-bit member of a DistinctSet for a visitor hash (never 0). */
export function visitorFingerprint(visitor: string): number {
  return fingerprint53(visitor) % 4294967296 || 1;
}

/**
 * Distinct count of visitor hashes, mergeable by union (so distinct visitors over any set of
 * windows are counted once). Members are 32-bit fingerprints of the hash strings (about 6-8 bytes
 * each, no string kept alive). Two visitors share a fingerprint with probability 2^-32 per pair, so
 * the count can only be low, by n / 2^33 expected: 0.001% at 100,000 and 0.012% at 1,000,000
 * visitors (far inside the 1% allowed for sketches). Most sets are tiny (a page in a minute), so they
 * start as a short array.
 */
export class DistinctSet {
  private small: number[] | null = [];
  private large: Fingerprint32Set | null = null;

  add(visitor: string): void {
    this.addFingerprint(visitorFingerprint(visitor));
  }

  /** Adds a precomputed `visitorFingerprint(visitor)` (hash once, add to many windows). */
  addFingerprint(fp: number): void {
    if (this.large) {
      this.large.add(fp);
      return;
    }
    const small = this.small!;
    if (small.includes(fp)) return;
    if (small.length < SMALL_LIMIT) {
      small.push(fp);
      return;
    }
    this.large = new Fingerprint32Set(64);
    for (const member of small) this.large.add(member);
    this.large.add(fp);
    this.small = null;
  }

  merge(other: DistinctSet): void {
    if (other.large) other.large.forEach((fp) => this.addFingerprint(fp));
    else for (const fp of other.small!) this.addFingerprint(fp);
  }

  get size(): number {
    return this.large ? this.large.size : this.small!.length;
  }
}
