import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** File name of the rollup snapshot inside WISP_DATA_DIR. */
export const SNAPSHOT_FILE = 'rollups.snapshot';

/**
 * The snapshot file, replaced atomically: each write goes to its own temp name next to it, is
 * fsynced, then renamed over it, so a crash leaves the old snapshot or the new one, never half of
 * one. A write finishing after a newer one started is dropped (never renames an older state over a
 * newer one). Temp files a crash left behind are removed on open.
 */
export class SnapshotFile {
  private started = 0;

  constructor(readonly path: string) {
    const prefix = `${basename(path)}.`;
    try {
      for (const name of readdirSync(dirname(path))) {
        if (name.startsWith(prefix) && name.endsWith('.tmp')) rmSync(join(dirname(path), name), { force: true });
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  /** The file's bytes, or null when there is none. */
  read(): Buffer | null {
    try {
      return readFileSync(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** Writes in the background (the chunks one after another); false when a newer write started meanwhile (this one is dropped). */
  async write(bytes: Uint8Array | Uint8Array[]): Promise<boolean> {
    const mine = ++this.started;
    const tmp = `${this.path}.${process.pid}.${mine}.tmp`;
    const handle = await open(tmp, 'w');
    try {
      for (const chunk of Array.isArray(bytes) ? bytes : [bytes]) await handle.writeFile(chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (mine !== this.started) {
      await rm(tmp, { force: true });
      return false;
    }
    await rename(tmp, this.path);
    return true;
  }

  /** `write` for shutdown, where nothing async may be left behind. */
  writeSync(bytes: Uint8Array | Uint8Array[]): void {
    const tmp = `${this.path}.${process.pid}.${++this.started}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      for (const chunk of Array.isArray(bytes) ? bytes : [bytes]) {
        for (let offset = 0; offset < chunk.length;) offset += writeSync(fd, chunk, offset);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}
