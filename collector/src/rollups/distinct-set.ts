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
    if (!other.large) {
      for (const fp of other.small!) this.addFingerprint(fp);
      return;
    }
    if (!this.large) {
      this.large = new Fingerprint32Set(64);
      for (const fp of this.small!) this.large.add(fp);
      this.small = null;
    }
    this.large.addAll(other.large);
  }

  /** A set holding these fingerprints (snapshot restore). */
  static of(fingerprints: ArrayLike<number>): DistinctSet {
    const set = new DistinctSet();
    if (fingerprints.length <= SMALL_LIMIT) {
      for (let i = 0; i < fingerprints.length; i++) set.addFingerprint(fingerprints[i]!);
      return set;
    }
    set.large = new Fingerprint32Set(64);
    set.large.reserve(fingerprints.length);
    for (let i = 0; i < fingerprints.length; i++) set.large.add(fingerprints[i]!);
    set.small = null;
    return set;
  }

  /** An independent copy. */
  clone(): DistinctSet {
    const copy = new DistinctSet();
    copy.small = this.small && [...this.small];
    copy.large = this.large && this.large.clone();
    return copy;
  }

  /** The members (snapshots). */
  toArray(): Uint32Array {
    return this.large ? this.large.toArray() : Uint32Array.from(this.small!);
  }

  forEach(fn: (fp: number) => void): void {
    if (this.large) this.large.forEach(fn);
    else this.small!.forEach(fn);
  }

  has(fp: number): boolean {
    return this.large ? this.large.has(fp) : this.small!.includes(fp);
  }

  /** |this ∪ other| without building the union (other is usually the small one). */
  unionSize(other: DistinctSet): number {
    let extra = 0;
    const count = (fp: number) => {
      if (!this.has(fp)) extra++;
    };
    if (other.large) other.large.forEach(count);
    else other.small!.forEach(count);
    return this.size + extra;
  }

  get size(): number {
    return this.large ? this.large.size : this.small!.length;
  }
}
