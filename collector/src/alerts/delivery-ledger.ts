import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Keys are `ruleId:windowStart`, and rules are only evaluated for the current and the previous window
 * (a day at most), so a key whose window started this long ago can never be claimed again.
 */
export const LEDGER_KEEP_MS = 8 * 86_400_000;

/**
 * Delivery keys already claimed, optionally persisted (one key a line, appended before the first
 * attempt): a key is never sent twice, even across restarts. The trade-off is at-most-once across
 * a crash in mid-delivery, which is the right side to err on for paging. `trim(now)` forgets keys
 * of windows older than LEDGER_KEEP_MS and rewrites the file (atomically) when it dropped any, so
 * the file stays as small as the last week's alerts.
 */
export class DeliveryLedger {
  private readonly keys = new Set<string>();

  constructor(private readonly path?: string) {
    if (!path) return;
    try {
      for (const line of readFileSync(path, 'utf8').split('\n')) if (line) this.keys.add(line);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /** Claims `key`; false when it was claimed before. */
  claim(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.path) appendFileSync(this.path, `${key}\n`);
    return true;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  get size(): number {
    return this.keys.size;
  }

  /** Drops keys whose window started before `now - LEDGER_KEEP_MS`; returns how many. */
  trim(now: number): number {
    let dropped = 0;
    for (const key of this.keys) {
      const windowStart = Number(key.slice(key.lastIndexOf(':') + 1));
      if (Number.isFinite(windowStart) && windowStart < now - LEDGER_KEEP_MS) {
        this.keys.delete(key);
        dropped++;
      }
    }
    if (dropped > 0 && this.path) {
      writeFileSync(`${this.path}.tmp`, [...this.keys].map((key) => `${key}\n`).join(''));
      renameSync(`${this.path}.tmp`, this.path);
    }
    return dropped;
  }
}
