import { fingerprint53 } from '../sessions/fingerprint.js';
import { FingerprintSet } from '../sessions/fingerprint-set.js';

/**
 * Exact distinct count of visitor hashes, mergeable by union. Members are 53-bit fingerprints of the
 * hash strings (8-16 bytes each, no string kept alive); two different visitors collide with
 * probability ~n^2 / 2^54, i.e. under 1e-4 expected collisions at 1M visitors.
 */
export class DistinctSet {
  private readonly set = new FingerprintSet();

  add(visitor: string): void {
    this.set.add(fingerprint53(visitor));
  }

  /** Adds a precomputed `fingerprint53(visitor)` (hash once, add to many windows). */
  addFingerprint(fp: number): void {
    this.set.add(fp);
  }

  merge(other: DistinctSet): void {
    other.set.forEach((fp) => this.set.add(fp));
  }

  get size(): number {
    return this.set.size;
  }
}
