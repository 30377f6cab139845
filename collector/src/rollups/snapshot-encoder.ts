import { COUNT_KEYS, type Aggregate } from './aggregate.js';
import { ByteWriter } from './byte-io.js';
import type { DistinctSet } from './distinct-set.js';
import type { RollupSnapshot, SnapshotWindow } from './rollup-snapshot.js';

/** Bumped whenever the layout below changes: an older or newer file is ignored (full rebuild). */
export const SNAPSHOT_VERSION = 1;
export const SNAPSHOT_MAGIC = Buffer.from('WISPROLL');
/** Sets up to this size are written member by member (no typed array per set: there are ~10^5 of them). */
export const SMALL_SET = 64;
/** Body bytes per chunk: no single growing buffer (its doublings copy hundreds of MB at 10M events). */
const CHUNK_BYTES = 4 << 20;

const NO_PAGES: ReadonlyMap<string, DistinctSet> = new Map();

/** The snapshot's scalars, fixed when it is taken. */
export type SnapshotHeader = Omit<RollupSnapshot, 'windows'>;

/**
 * Writes a snapshot window by window, in any order and at any pace (see SnapshotCapture), as chunks.
 * Layout: "WISPROLL", u32 version, u32 header length, header JSON (scalars, pending events), then a
 * string table (every key once) and the windows, binary: counts as f64, distinct sets as their u32
 * fingerprints (in the machine's byte order: a snapshot stays on the machine that wrote it),
 * sketches as (bucket, count) pairs. Strings are indexes into the table, so the head is written last.
 */
export class SnapshotEncoder {
  private readonly strings = new Map<string, number>();
  private readonly chunks: Buffer[] = [];
  private body = new ByteWriter(CHUNK_BYTES + (CHUNK_BYTES >> 1));
  private windowCount = 0;

  constructor(private readonly header: SnapshotHeader) {}

  add({ site, sizeMs, start, window }: SnapshotWindow): void {
    const body = this.body;
    this.windowCount++;
    body.u32(this.ref(site));
    body.f64(sizeMs);
    body.f64(start);
    for (const n of [window.pageviews, window.events, window.errors, window.sessions, window.bounces, window.durationMs]) body.f64(n);
    this.set(window.visitors);
    for (const key of COUNT_KEYS) this.counts(window, key);
    // A deferred window (maybe part way through its build) is written without page sets: the
    // restore marks it deferred again and builds it from its parts.
    const pageVisitors = window.pageVisitorsDeferred ? NO_PAGES : window.pageVisitors;
    body.u32(pageVisitors.size);
    for (const [page, visitors] of pageVisitors) {
      body.u32(this.ref(page));
      this.set(visitors);
    }
    body.u32(window.vitals.size);
    for (const [name, sketch] of window.vitals) {
      const { zeros, buckets } = sketch.state();
      body.u32(this.ref(name));
      body.f64(sketch.relativeAccuracy);
      body.f64(zeros);
      body.u32(buckets.length);
      for (const [index, n] of buckets) {
        body.f64(index);
        body.f64(n);
      }
    }
    if (body.length >= CHUNK_BYTES) this.cut();
  }

  /** The whole file, as chunks to write one after another (head first). */
  finish(): Buffer[] {
    this.cut();
    const { header } = this;
    const json = Buffer.from(JSON.stringify({
      coveredFrom: header.coveredFrom, takenAt: header.takenAt, replayFrom: header.replayFrom,
      pendingLate: header.pendingLate, windowCount: this.windowCount,
      // JSON has no -Infinity (none dropped): left out then, and read back as -Infinity.
      ...(Number.isFinite(header.minutesFrom) ? { minutesFrom: header.minutesFrom } : {}),
    }));
    const head = new ByteWriter();
    head.bytes(SNAPSHOT_MAGIC);
    head.u32(SNAPSHOT_VERSION);
    head.u32(json.length);
    head.bytes(json);
    head.u32(header.ids.length);
    for (const id of header.ids) head.f64(id);
    head.u32(this.strings.size);
    for (const text of this.strings.keys()) head.text(text);
    return [head.result(), ...this.chunks];
  }

  private ref(text: string): number {
    let index = this.strings.get(text);
    if (index === undefined) this.strings.set(text, (index = this.strings.size));
    return index;
  }

  private counts(window: Aggregate, key: (typeof COUNT_KEYS)[number]): void {
    this.body.u32(window[key].size);
    for (const [k, n] of window[key]) {
      this.body.u32(this.ref(k));
      this.body.f64(n);
    }
  }

  /** Most sets are tiny (a page in a minute): member by member; large ones as array copies, a piece at a time. */
  private set(distinct: DistinctSet): void {
    this.body.u32(distinct.size);
    if (distinct.size <= SMALL_SET) distinct.forEach((fp) => this.body.u32(fp));
    else distinct.forEachPiece((piece) => this.body.bytes(new Uint8Array(piece.buffer, piece.byteOffset, piece.byteLength)));
  }

  /** Closes the current body chunk (copied to its exact size: the writer's buffer may be twice as large). */
  private cut(): void {
    if (this.body.length === 0) return;
    this.chunks.push(Buffer.from(this.body.result()));
    this.body.release(); // 6 MB a chunk, otherwise held until a full GC
    this.body = new ByteWriter(CHUNK_BYTES + (CHUNK_BYTES >> 1));
  }
}
