import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';

/** File name of the rollup snapshot inside WISP_DATA_DIR. */
export const SNAPSHOT_FILE = 'rollups.snapshot';

/** The snapshot file's bytes, or null when there is none. */
export function readSnapshotFile(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Replaces the file atomically: written and fsynced under a temp name next to it, then renamed over it, so a
 * crash leaves the old snapshot or the new one, never half of one.
 */
export async function writeSnapshotFile(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = tempPath(path);
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

/** `writeSnapshotFile` for shutdown, where nothing async may be left behind. */
export function writeSnapshotFileSync(path: string, bytes: Uint8Array): void {
  const tmp = tempPath(path);
  const fd = openSync(tmp, 'w');
  try {
    for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

let writes = 0;

/** A temp name per write, so an async write still in flight never shares its file with another. */
function tempPath(path: string): string {
  return `${path}.${process.pid}.${++writes}.tmp`;
}
