import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { StoreFullError } from './store-full-error.js';

/** A sealed, immutable journal file waiting to be inserted into ClickHouse. */
export interface Segment {
  /** Position in the journal: segments are written, and must be inserted, in this order. */
  readonly seq: number;
  readonly path: string;
  readonly bytes: number;
}

/** Options of {@link Journal}. */
export interface JournalOptions {
  /** Folder of the segment files (created if missing). */
  dir: string;
  /** Appends are refused with {@link StoreFullError} once this many bytes wait for ClickHouse. */
  maxBytes: number;
}

interface ActiveSegment {
  readonly seq: number;
  readonly path: string;
  readonly handle: FileHandle;
  bytes: number;
}

const SEGMENT_NAME = /^(\d{12})\.jsonl$/;

/**
 * The local durable buffer in front of ClickHouse: an append-only journal of JSONEachRow lines split into
 * segments. `append` resolves once the lines are fsynced (that is what a 202 promises); appends that
 * arrive while a write is in flight are grouped into the next write, so a burst costs one fsync.
 * `seal` closes the active segment; sealed segments are inserted and then `remove`d.
 */
export class Journal {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #sealed: Segment[] = [];
  #bytes = 0;
  #nextSeq: number;
  #active: ActiveSegment | undefined;
  #pending: { text: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #pendingBytes = 0;
  #chain: Promise<void> = Promise.resolve();
  #writeScheduled = false;

  constructor(options: JournalOptions) {
    this.#dir = options.dir;
    this.#maxBytes = options.maxBytes;
    mkdirSync(this.#dir, { recursive: true });
    const seqs = readdirSync(this.#dir)
      .map((name) => SEGMENT_NAME.exec(name)?.[1])
      .filter((seq): seq is string => seq !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const seq of seqs) this.#recover(seq);
    this.#nextSeq = (seqs.at(-1) ?? 0) + 1;
  }

  /** Bytes accepted but not yet inserted into ClickHouse (sealed, active and pending). */
  get bytes(): number {
    return this.#bytes + this.#pendingBytes;
  }

  /** Sequence number of the newest segment opened so far (0 when none): every acknowledged line is in it or an older one. */
  get lastSeq(): number {
    return this.#nextSeq - 1;
  }

  /** Segments ready to insert, oldest first. */
  get sealed(): readonly Segment[] {
    return this.#sealed;
  }

  /** Appends JSONEachRow lines (each ending in `\n`); resolves once they are on disk. */
  append(text: string): Promise<void> {
    const size = Buffer.byteLength(text);
    if (this.bytes + size > this.#maxBytes) throw new StoreFullError(this.bytes, this.#maxBytes);
    this.#pendingBytes += size;
    return new Promise((resolve, reject) => {
      this.#pending.push({ text, resolve, reject });
      if (!this.#writeScheduled) {
        this.#writeScheduled = true;
        this.#enqueue(() => this.#writeGroup());
      }
    });
  }

  /** Closes the active segment so the shipper can insert it; resolves after in-flight writes. */
  seal(): Promise<void> {
    return this.#enqueue(async () => {
      const active = this.#active;
      if (!active) return;
      this.#active = undefined;
      await active.handle.close();
      this.#sealed.push({ seq: active.seq, path: active.path, bytes: active.bytes });
    });
  }

  /** Deletes a segment once ClickHouse has it. */
  remove(segment: Segment): void {
    const index = this.#sealed.indexOf(segment);
    if (index < 0) return;
    this.#sealed.splice(index, 1);
    this.#bytes -= segment.bytes;
    unlinkSync(segment.path);
  }

  /**
   * Moves a segment ClickHouse can never accept to `rejected/` (kept for inspection, no longer
   * counted against the bound) so the segments behind it can flow.
   */
  reject(segment: Segment): void {
    const index = this.#sealed.indexOf(segment);
    if (index < 0) return;
    this.#sealed.splice(index, 1);
    this.#bytes -= segment.bytes;
    const rejected = join(this.#dir, 'rejected');
    mkdirSync(rejected, { recursive: true });
    renameSync(segment.path, join(rejected, basename(segment.path)));
  }

  /** Waits for pending writes and closes the active segment. */
  close(): Promise<void> {
    return this.seal();
  }

  #enqueue(operation: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(operation);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #writeGroup(): Promise<void> {
    this.#writeScheduled = false;
    const group = this.#pending;
    this.#pending = [];
    const text = group.map((entry) => entry.text).join('');
    const size = Buffer.byteLength(text);
    this.#pendingBytes -= size;
    try {
      const active = this.#active ?? (await this.#openSegment());
      await active.handle.write(text);
      await active.handle.datasync();
      active.bytes += size;
      this.#bytes += size;
      for (const entry of group) entry.resolve();
    } catch (error) {
      for (const entry of group) entry.reject(error);
    }
  }

  async #openSegment(): Promise<ActiveSegment> {
    const seq = this.#nextSeq++;
    const path = this.#segmentPath(seq);
    const handle = await open(path, 'a');
    syncDir(this.#dir);
    this.#active = { seq, path, handle, bytes: 0 };
    return this.#active;
  }

  #segmentPath(seq: number): string {
    return join(this.#dir, `${String(seq).padStart(12, '0')}.jsonl`);
  }

  /** A crash mid-write can leave a torn last line; it was never acknowledged, so it is cut off. */
  #recover(seq: number): void {
    const path = this.#segmentPath(seq);
    const text = readFileSync(path);
    const end = text.lastIndexOf(0x0a) + 1;
    if (end < text.length) {
      truncateSync(path, end);
      const fd = openSync(path, 'r+');
      fdatasyncSync(fd);
      closeSync(fd);
    }
    if (end === 0) {
      unlinkSync(path);
      return;
    }
    const bytes = statSync(path).size;
    this.#sealed.push({ seq, path, bytes });
    this.#bytes += bytes;
  }
}

/** Makes a new file's directory entry durable (a file fsync alone does not). */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
