import { open, type FileHandle } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { KeyRun } from './key-run.js';
import { CHUNK_KEYS, KeyRunWriter } from './key-run-writer.js';
import { HI, LO, type U64Set } from './u64-set.js';
import { releaseArray } from '../memory/release-array.js';

/** Longest stretch of sorting on the event loop before it lets requests in. */
const SLICE_MS = 5;

/**
 * Writes the keys of a set that no longer changes as a sorted run. The set's shards hold ascending
 * key ranges, so sorting shard by shard sorts the whole, in slices of a few ms.
 */
export async function writeSetAsRun(set: U64Set, path: string): Promise<KeyRun> {
  const keys = new BigUint64Array(set.size);
  const words = new Uint32Array(keys.buffer);
  let n = 0;
  let sliceStart = performance.now();
  for (let shard = 0; shard < set.shardCount; shard++) {
    const from = n;
    n += set.copyShardKeys(shard, words, n);
    keys.subarray(from, n).sort();
    if (performance.now() - sliceStart > SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
  const writer = await KeyRunWriter.create(path, n);
  try {
    for (let i = 0; i < n; i++) {
      writer.push(words[i * 2 + LO]!, words[i * 2 + HI]!);
      if (writer.full) await writer.flush();
    }
    return await writer.finish();
  } catch (error) {
    await writer.abort();
    throw error;
  } finally {
    releaseArray(keys); // lived across awaits, so it would wait for a full GC
  }
}

/**
 * Merges runs into one (keys in several appear once), reading each a chunk at a time; yields to
 * the event loop at every chunk written. `cancelled` is asked between chunks (shutdown).
 */
export async function mergeRuns(runs: readonly KeyRun[], path: string, cancelled: () => boolean): Promise<KeyRun> {
  const cursors = await Promise.all(runs.map((run) => RunCursor.open(run)));
  const writer = await KeyRunWriter.create(path, runs.reduce((sum, run) => sum + run.count, 0));
  try {
    let live = cursors.filter((cursor) => !cursor.done);
    while (live.length > 0) {
      let min = live[0]!;
      for (let i = 1; i < live.length; i++) {
        const c = live[i]!;
        if (c.hi < min.hi || (c.hi === min.hi && c.lo < min.lo)) min = c;
      }
      writer.push(min.lo, min.hi);
      if (!min.advance()) {
        await min.refill();
        if (min.done) live = live.filter((cursor) => !cursor.done);
      }
      if (writer.full) {
        if (cancelled()) throw new Error('dedupe run merge cancelled');
        await writer.flush();
      }
    }
    return await writer.finish();
  } catch (error) {
    await writer.abort();
    throw error;
  } finally {
    await Promise.all(cursors.map((cursor) => cursor.close()));
  }
}

/** Reads a run's file a chunk at a time; `lo`/`hi` are the current key. */
class RunCursor {
  private readonly keys = new BigUint64Array(CHUNK_KEYS);
  private readonly words = new Uint32Array(this.keys.buffer);
  private at = 0;
  private length = 0;
  private nextKey = 0;
  lo = 0;
  hi = 0;
  done = false;

  private constructor(
    private readonly file: FileHandle,
    private readonly count: number,
  ) {}

  static async open(run: KeyRun): Promise<RunCursor> {
    const cursor = new RunCursor(await open(run.path, 'r'), run.count);
    await cursor.refill();
    return cursor;
  }

  /** Moves to the next key of the chunk; false at the chunk's end (then `refill`). */
  advance(): boolean {
    if (++this.at >= this.length) return false;
    this.lo = this.words[this.at * 2 + LO]!;
    this.hi = this.words[this.at * 2 + HI]!;
    return true;
  }

  async refill(): Promise<void> {
    const n = Math.min(CHUNK_KEYS, this.count - this.nextKey);
    if (n <= 0) {
      this.done = true;
      return;
    }
    const bytes = new Uint8Array(this.keys.buffer, 0, n * 8);
    let read = 0;
    while (read < bytes.length) {
      const { bytesRead } = await this.file.read(bytes, read, bytes.length - read, this.nextKey * 8 + read);
      if (bytesRead === 0) throw new Error('dedupe run file is shorter than its key count');
      read += bytesRead;
    }
    this.nextKey += n;
    this.length = n;
    this.at = 0;
    this.lo = this.words[LO]!;
    this.hi = this.words[HI]!;
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
