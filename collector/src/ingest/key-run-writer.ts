import { openSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { KeyBloom } from './key-bloom.js';
import { FENCE_KEYS, KeyRun } from './key-run.js';
import { HI, LO } from './u64-set.js';

/** Keys written per file write (512 KiB). */
export const CHUNK_KEYS = 65_536;

/**
 * Writes a KeyRun: takes keys in ascending order (`push`; an equal neighbour is dropped), builds
 * its Bloom filter and fences on the way, and writes the file a chunk at a time. The file is not
 * synced: runs are derived from the store and rebuilt at every start.
 */
export class KeyRunWriter {
  private readonly chunk = new BigUint64Array(CHUNK_KEYS);
  private readonly chunkWords = new Uint32Array(this.chunk.buffer);
  private filled = 0;
  private count = 0;
  private written = 0;
  private readonly bloom: KeyBloom;
  private readonly fences: Uint32Array;
  private lastLo = 0;
  private lastHi = 0;

  private constructor(
    private readonly path: string,
    private readonly file: FileHandle,
    maxKeys: number,
  ) {
    this.bloom = new KeyBloom(maxKeys);
    this.fences = new Uint32Array(Math.ceil(maxKeys / FENCE_KEYS) * 2);
  }

  /** A new file at `path` (must not exist) for at most `maxKeys` keys. */
  static async create(path: string, maxKeys: number): Promise<KeyRunWriter> {
    return new KeyRunWriter(path, await open(path, 'wx'), maxKeys);
  }

  /** Appends a key (>= the previous one); write the chunk out with `flush` once `full`. */
  push(lo: number, hi: number): void {
    if (this.count > 0 && lo === this.lastLo && hi === this.lastHi) return;
    this.lastLo = lo;
    this.lastHi = hi;
    this.bloom.add(lo, hi);
    if (this.count % FENCE_KEYS === 0) {
      const fence = (this.count / FENCE_KEYS) * 2;
      this.fences[fence + LO] = lo;
      this.fences[fence + HI] = hi;
    }
    this.chunkWords[this.filled * 2 + LO] = lo;
    this.chunkWords[this.filled * 2 + HI] = hi;
    this.filled++;
    this.count++;
  }

  get full(): boolean {
    return this.filled === CHUNK_KEYS;
  }

  async flush(): Promise<void> {
    if (this.filled === 0) return;
    const bytes = this.filled * 8;
    await this.file.write(new Uint8Array(this.chunk.buffer, 0, bytes), 0, bytes, this.written);
    this.written += bytes;
    this.filled = 0;
  }

  /** Writes what is left and opens the finished run for lookups. */
  async finish(): Promise<KeyRun> {
    await this.flush();
    await this.file.close();
    const fences = this.fences.slice(0, Math.ceil(this.count / FENCE_KEYS) * 2);
    return new KeyRun({ path: this.path, fd: openSync(this.path, 'r'), count: this.count, bloom: this.bloom, fences });
  }

  /** Gives up: closes and deletes the file. */
  async abort(): Promise<void> {
    await this.file.close().catch(() => {});
    await rm(this.path, { force: true });
  }
}
