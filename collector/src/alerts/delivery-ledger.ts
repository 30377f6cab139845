import { appendFileSync, readFileSync } from 'node:fs';

/**
 * Delivery keys already claimed, optionally persisted (one key a line, appended before the first
 * attempt): a key is never sent twice, even across restarts. The trade-off is at-most-once across
 * a crash in mid-delivery, which is the right side to err on for paging.
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
}
