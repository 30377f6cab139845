import { HttpError } from '../http/http-error.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Per-IP token bucket: `perSecond` sustained, bursts up to 4x that. Over the limit: 429 with
 * Retry-After (seconds). Buckets live in memory only, and full idle buckets are swept so memory
 * follows the number of recently active clients.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private lastSweep = 0;

  constructor(private readonly perSecond: number) {
    this.burst = perSecond * 4;
  }

  /** Takes one token for `ip` or throws 429. A limit of 0 disables the check. */
  take(ip: string, now: number): void {
    if (this.perSecond === 0) return;
    if (now - this.lastSweep > 60_000) this.sweep(now);
    const bucket = this.buckets.get(ip) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond);
    bucket.updatedAt = now;
    if (bucket.tokens < 1) {
      this.buckets.set(ip, bucket);
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
      throw new HttpError(429, 'rate_limited', `more than ${this.perSecond} requests/s from this client`, {
        'retry-after': String(retryAfter),
      });
    }
    bucket.tokens -= 1;
    this.buckets.set(ip, bucket);
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [ip, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond >= this.burst) this.buckets.delete(ip);
    }
  }
}
