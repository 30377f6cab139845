import { closeSync, constants, fdatasyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SPARE_NAME, ZeroedSpare } from './zeroed-spare.js';

/** A sealed, immutable journal file waiting to be moved into the store behind the journal. */
export interface Segment {
  /** Position in the journal: segments are written, and must be loaded, in this order. */
  readonly seq: number;
  readonly path: string;
  readonly bytes: number;
}

/** Options of {@link Journal}; defaults in brackets. */
export interface JournalOptions {
  /** Folder of the segment files (created if missing). */
  dir: string;
  /** Appends are refused (with `fullError`) once this many bytes wait to be loaded. */
  maxBytes: number;
  /** The error an append over `maxBytes` throws (a 503 with Retry-After, so senders retry). */
  fullError: (bufferedBytes: number, maxBytes: number) => Error;
  /**
   * Every append ends with this; at recovery a file is cut after its last one, so a write torn by a
   * crash leaves whole appends only ['\n': whole lines].
   */
  terminator?: string;
  /** The first new segment gets at least this sequence number (a loader that remembers what it loaded) [1]. */
  firstSeq?: number;
  /** Called when a spare segment could not be prepared (appends go on without one) [console.error]. */
  onError?: (error: unknown) => void;
}

interface ActiveSegment {
  readonly seq: number;
  readonly path: string;
  readonly handle: FileHandle;
  bytes: number;
  /** Made from a zeroed spare: written at `bytes` (not appended), cut to `bytes` when sealed. */
  readonly zeroed: boolean;
}

const SEGMENT_NAME = /^(\d{12})\.jsonl$/;

/**
 * Segments are opened O_DSYNC where the platform has it: every write returns once its data (and the
 * file size) is on disk, as a write followed by fdatasync would, but in one thread-pool round trip
 * instead of two. With the event loop busy each round trip waits ~0.5 ms for its turn, and a group's
 * answers wait for them.
 */
const SYNCED_APPEND = constants.O_DSYNC === undefined ? undefined : constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC;
/** A zeroed spare is written in place (positional writes), so without O_APPEND. */
const SYNCED_OVERWRITE = constants.O_DSYNC === undefined ? undefined : constants.O_WRONLY | constants.O_DSYNC;

/**
 * A spare holds 1.5x the last segment (segments are sealed every 500 ms, so that follows the
 * ingest rate); a segment that outgrows it goes on by extending the file, as without one.
 */
const spareBytesAfter = (segmentBytes: number) => Math.min(64 << 20, Math.max(64 << 10, Math.ceil((segmentBytes * 1.5) / 4096) * 4096));

/**
 * A local append-only journal of text records split into segments, in front of a store (ClickHouse,
 * DuckDB). `append` resolves once the text is fdatasync'ed (that is what a 202 promises); appends
 * that arrive while a write is in flight are grouped into the next write, so a burst costs one
 * fdatasync. `seal` closes the active segment; sealed segments are loaded and then `remove`d.
 */
export class Journal {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #fullError: JournalOptions['fullError'];
  readonly #terminator: Buffer;
  readonly #sealed: Segment[] = [];
  #bytes = 0;
  #nextSeq: number;
  #active: ActiveSegment | undefined;
  #pending: { bytes: Buffer; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #pendingBytes = 0;
  #chain: Promise<void> = Promise.resolve();
  #writeScheduled = false;
  readonly #spare: ZeroedSpare | undefined;
  #lastSegmentBytes = 0;

  constructor(options: JournalOptions) {
    this.#dir = options.dir;
    this.#maxBytes = options.maxBytes;
    this.#fullError = options.fullError;
    this.#terminator = Buffer.from(options.terminator ?? '\n');
    mkdirSync(this.#dir, { recursive: true });
    const seqs = readdirSync(this.#dir)
      .map((name) => SEGMENT_NAME.exec(name)?.[1])
      .filter((seq): seq is string => seq !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const seq of seqs) this.#recover(seq);
    this.#nextSeq = Math.max((seqs.at(-1) ?? 0) + 1, options.firstSeq ?? 1);
    if (SYNCED_OVERWRITE !== undefined) {
      const onError = options.onError ?? ((error) => console.error(`wisp-collector: journal spare segment: ${error instanceof Error ? error.message : String(error)}`));
      this.#spare = new ZeroedSpare(join(this.#dir, SPARE_NAME), onError);
      this.#spare.prepare(spareBytesAfter(0));
    }
  }

  /** Bytes accepted but not yet loaded (sealed, active and pending). */
  get bytes(): number {
    return this.#bytes + this.#pendingBytes;
  }

  /** Sequence number of the newest segment opened so far (0 when none): every acknowledged append is in it or an older one. */
  get lastSeq(): number {
    return this.#nextSeq - 1;
  }

  /** Segments ready to load, oldest first. */
  get sealed(): readonly Segment[] {
    return this.#sealed;
  }

  /** Appends text (ending with the terminator); resolves once it is on disk. */
  append(text: string): Promise<void> {
    const bytes = Buffer.from(text);
    if (this.bytes + bytes.length > this.#maxBytes) throw this.#fullError(this.bytes, this.#maxBytes);
    this.#pendingBytes += bytes.length;
    return new Promise((resolve, reject) => {
      this.#pending.push({ bytes, resolve, reject });
      if (!this.#writeScheduled) {
        this.#writeScheduled = true;
        this.#enqueue(() => this.#writeGroup());
      }
    });
  }

  /** Closes the active segment so it can be loaded; resolves after in-flight writes. */
  seal(): Promise<void> {
    return this.#enqueue(async () => {
      const active = this.#active;
      if (!active) return;
      this.#active = undefined;
      // The zeros after the last append go (a crash before this leaves them to recovery, which cuts them too).
      if (active.zeroed) await active.handle.truncate(active.bytes);
      await active.handle.close();
      this.#lastSegmentBytes = active.bytes;
      this.#sealed.push({ seq: active.seq, path: active.path, bytes: active.bytes });
    });
  }

  /** Deletes a segment once the store behind has it. */
  remove(segment: Segment): void {
    const index = this.#sealed.indexOf(segment);
    if (index < 0) return;
    this.#sealed.splice(index, 1);
    this.#bytes -= segment.bytes;
    unlinkSync(segment.path);
  }

  /**
   * Moves a segment the store can never accept to `rejected/` (kept for inspection, no longer
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

  /** Resolves once the next segment's zeroed spare is written (or failed): tests. */
  spareSettled(): Promise<void> {
    return this.#spare?.settled() ?? Promise.resolve();
  }

  /** Waits for pending writes, closes the active segment and removes the spare. */
  async close(): Promise<void> {
    await this.seal();
    await this.#spare?.discard();
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
    const buffers = group.map((entry) => entry.bytes);
    let size = 0;
    for (const buffer of buffers) size += buffer.length;
    this.#pendingBytes -= size;
    let active: ActiveSegment | undefined;
    try {
      active = this.#active ?? (await this.#openSegment());
      const { bytesWritten } = await active.handle.writev(buffers, active.zeroed ? active.bytes : undefined);
      if (bytesWritten !== size) throw new Error(`short journal write (${bytesWritten} of ${size} bytes)`);
      if (SYNCED_APPEND === undefined) await active.handle.datasync();
      active.bytes += size;
      this.#bytes += size;
      for (const entry of group) entry.resolve();
    } catch (error) {
      // Nothing of a failed write was acknowledged: cut what may have landed, or retire the segment
      // (recovery cuts a torn tail) so later appends never follow a partial record.
      if (active) await this.#cutBack(active);
      for (const entry of group) entry.reject(error);
    }
  }

  async #cutBack(active: ActiveSegment): Promise<void> {
    try {
      await active.handle.truncate(active.bytes);
    } catch {
      this.#active = undefined;
      await active.handle.close().catch(() => undefined);
      if (active.bytes === 0) unlinkSync(active.path);
      else this.#sealed.push({ seq: active.seq, path: active.path, bytes: active.bytes });
    }
  }

  async #openSegment(): Promise<ActiveSegment> {
    const seq = this.#nextSeq++;
    const path = this.#segmentPath(seq);
    const zeroed = (await this.#spare?.take(path)) !== undefined;
    const handle = await open(path, zeroed ? SYNCED_OVERWRITE! : (SYNCED_APPEND ?? 'a'));
    await syncDir(this.#dir);
    this.#active = { seq, path, handle, bytes: 0, zeroed };
    this.#spare?.prepare(spareBytesAfter(this.#lastSegmentBytes));
    return this.#active;
  }

  #segmentPath(seq: number): string {
    return join(this.#dir, `${String(seq).padStart(12, '0')}.jsonl`);
  }

  /** A crash mid-write can leave a torn last append; it was never acknowledged, so it is cut off. */
  #recover(seq: number): void {
    const path = this.#segmentPath(seq);
    const text = readFileSync(path);
    const last = lastTerminator(text, this.#terminator);
    const end = last < 0 ? 0 : last + this.#terminator.length;
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

/** Where the last terminator starts: at the file's start or right after a newline (a record boundary). */
function lastTerminator(text: Buffer, terminator: Buffer): number {
  for (let at = text.lastIndexOf(terminator); at >= 0; at = at === 0 ? -1 : text.lastIndexOf(terminator, at - 1)) {
    if (terminator.length === 1 || at === 0 || text[at - 1] === 0x0a) return at;
  }
  return -1;
}

/** Makes a new file's directory entry durable (a file fsync alone does not). */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
