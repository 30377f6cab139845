import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const DAY_MS = 24 * 60 * 60 * 1000;
const SALT_BYTES = 16;

function dayName(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Where the anonymizer gets the visitor-hash key of an arrival time. */
export interface SaltSource {
  saltFor(receivedAt: number): Uint8Array;
}

/**
 * Visitor-hash keys: a 128-bit random salt per UTC day, saved as `salts/YYYY-MM-DD` in the data dir
 * so a restart keeps today's visitors. Only today's and yesterday's salts exist; older ones are
 * deleted from memory and disk at rotation, which makes old visitor hashes unlinkable.
 */
export class DailySalts implements SaltSource {
  private readonly salts = new Map<number, Uint8Array>();
  private readonly dir: string;

  constructor(dataDir: string, now: number) {
    this.dir = join(dataDir, 'salts');
    mkdirSync(this.dir, { recursive: true });
    const today = Math.floor(now / DAY_MS);
    for (const file of readdirSync(this.dir)) {
      const day = Math.floor(Date.parse(`${file}T00:00:00Z`) / DAY_MS);
      const bytes = Number.isNaN(day) ? undefined : readFileSync(join(this.dir, file));
      if (bytes?.length === SALT_BYTES && day <= today) this.salts.set(day, new Uint8Array(bytes));
    }
    this.rotate(today);
  }

  /** The salt of the UTC day of `receivedAt` (created on the first request of a new day). */
  saltFor(receivedAt: number): Uint8Array {
    const day = Math.floor(receivedAt / DAY_MS);
    const salt = this.salts.get(day);
    if (salt) return salt;
    const newest = Math.max(...this.salts.keys());
    // A request that raced the rotation belongs to the newest day still known.
    if (day < newest) return this.salts.get(newest)!;
    this.rotate(day);
    return this.salts.get(day)!;
  }

  private rotate(today: number): void {
    if (!this.salts.has(today)) {
      const salt = new Uint8Array(randomBytes(SALT_BYTES));
      const file = join(this.dir, dayName(today));
      const fd = openSync(`${file}.tmp`, 'w', 0o600);
      writeSync(fd, salt);
      fsyncSync(fd);
      closeSync(fd);
      renameSync(`${file}.tmp`, file);
      this.salts.set(today, salt);
    }
    for (const day of [...this.salts.keys()]) {
      if (day < today - 1) {
        this.salts.get(day)!.fill(0);
        this.salts.delete(day);
      }
    }
    for (const file of readdirSync(this.dir)) {
      const day = Math.floor(Date.parse(`${file}T00:00:00Z`) / DAY_MS);
      if (!this.salts.has(day)) rmSync(join(this.dir, file), { force: true });
    }
  }
}
