import { releaseArray } from '../memory/release-array.js';
import { COUNT_KEYS, type Aggregate } from './aggregate.js';
import { ByteWriter } from './byte-io.js';
import type { DistinctSet } from './distinct-set.js';
import { runWords, type StoredRun } from './packed-run.js';
import type { RollupSnapshot, SnapshotWindow } from './rollup-snapshot.js';

/**
 * Bumped whenever the layout below changes: a newer file is ignored (full rebuild), an older one is
 * read if the decoder still knows it (1: every set as its members; 2: packed sets as their runs).
 */
export const SNAPSHOT_VERSION = 2;
export const SNAPSHOT_MAGIC = Buffer.from('WISPROLL');
/** Unpacked sets up to this size are written member by member (no typed array per set: there are ~10^5 of them). */
export const SMALL_SET = 64;
/**
 * Set entry head: a packed set's head has this bit set and its size in the low 31 bits (a set of 2^31
 * members would take 4-8 GB: never held); its gap width follows, its words are in the run block.
 */
export const PACKED_SET = 0x80000000;
/**
 * Pieces this large (a range of runs, a table's members) are copied into a chunk of their own, not
 * into the body: one copy, where the body's would copy them again when cut, and its buffer double.
 */
const OWN_CHUNK_BYTES = 64 << 10;
/** Body bytes per chunk: no single growing buffer (its doublings copy hundreds of MB at 10M events). */
const CHUNK_BYTES = 4 << 20;

const NO_PAGES: ReadonlyMap<string, DistinctSet> = new Map();

/** The snapshot's scalars, fixed when it is taken. */
export type SnapshotHeader = Omit<RollupSnapshot, 'windows'>;

/**
 * Writes a snapshot window by window, in any order and at any pace (see SnapshotCapture), as chunks.
 * Layout: "WISPROLL", u32 version, u32 header length, header JSON (scalars, pending events), then a
 * string table (every key once) and the windows, binary: counts as f64, sketches as (bucket, count)
 * pairs, and the distinct sets. A window's packed sets are its run block (u32 word count, then their
 * runs' words one after another, copied as they are: no decode, ~2-3 bytes a member) and each set's
 * entry `PACKED_SET + size`, gap width; an unpacked set's entry is its size and u32 fingerprints.
 * Words are in the machine's byte order (a snapshot stays on the machine that wrote it). Strings are
 * indexes into the table, so the head is written last.
 */
export class SnapshotEncoder {
  private readonly strings = new Map<string, number>();
  private readonly chunks: Buffer[] = [];
  private body = new ByteWriter(CHUNK_BYTES + (CHUNK_BYTES >> 1));
  private windowCount = 0;

  constructor(private readonly header: SnapshotHeader) {}

  add({ site, sizeMs, start, window }: SnapshotWindow): void {
    // Always `this.body`, never a local: a large copy cuts the chunk, which replaces the writer.
    this.windowCount++;
    this.body.u32(this.ref(site));
    this.body.f64(sizeMs);
    this.body.f64(start);
    for (const n of [window.pageviews, window.events, window.errors, window.sessions, window.bounces, window.durationMs]) this.body.f64(n);
    // A deferred window (maybe part way through its build) is written without page sets: the
    // restore marks it deferred again and builds it from its parts.
    const pageVisitors = window.pageVisitorsDeferred ? NO_PAGES : window.pageVisitors;
    this.runs(window.visitors, pageVisitors);
    this.set(window.visitors);
    for (const key of COUNT_KEYS) this.counts(window, key);
    this.body.u32(pageVisitors.size);
    for (const [page, visitors] of pageVisitors) {
      this.body.u32(this.ref(page));
      this.set(visitors);
    }
    this.body.u32(window.vitals.size);
    for (const [name, sketch] of window.vitals) {
      const { zeros, buckets } = sketch.state();
      this.body.u32(this.ref(name));
      this.body.f64(sketch.relativeAccuracy);
      this.body.f64(zeros);
      this.body.u32(buckets.length);
      for (const [index, n] of buckets) {
        this.body.f64(index);
        this.body.f64(n);
      }
    }
    if (this.body.length >= CHUNK_BYTES) this.cut();
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

  /**
   * The run block: the words of the packed sets' runs, in the order of their entries. Runs that lie
   * next to each other in one array (a pack writes a window's sets one after another) go in one copy.
   */
  private runs(visitors: DistinctSet, pages: ReadonlyMap<string, DistinctSet>): void {
    const runs: StoredRun[] = [];
    const visitorsRun = visitors.packedRun();
    if (visitorsRun) runs.push(visitorsRun);
    for (const set of pages.values()) {
      const run = set.packedRun();
      if (run) runs.push(run);
    }
    this.body.u32(runs.reduce((words, run) => words + runWords(run.size, run.width), 0));
    let words: Uint32Array | null = null;
    let from = 0;
    let to = 0;
    for (const run of runs) {
      const end = run.from + runWords(run.size, run.width);
      if (run.words === words && run.from === to) {
        to = end;
        continue;
      }
      if (words) this.bytes(new Uint8Array(words.buffer, words.byteOffset + from * 4, (to - from) * 4));
      ({ words, from } = run);
      to = end;
    }
    if (words) this.bytes(new Uint8Array(words.buffer, words.byteOffset + from * 4, (to - from) * 4));
  }

  /** A packed set as its size and width (its words are in the run block); others member by member, or as one copy if large. */
  private set(distinct: DistinctSet): void {
    const run = distinct.packedRun();
    if (run) {
      this.body.u32(PACKED_SET + run.size);
      this.body.u32(run.width);
      return;
    }
    this.body.u32(distinct.size);
    if (distinct.size <= SMALL_SET) distinct.forEach((fp) => this.body.u32(fp));
    else {
      const members = distinct.toArray(); // a copy of its own
      this.bytes(new Uint8Array(members.buffer, members.byteOffset, members.byteLength));
      releaseArray(members);
    }
  }

  /** Copies `bytes` into the body, or a large piece into a chunk of its own after the body's. */
  private bytes(bytes: Uint8Array): void {
    if (bytes.byteLength >= OWN_CHUNK_BYTES || this.body.length + bytes.byteLength > CHUNK_BYTES) this.cut();
    if (bytes.byteLength < OWN_CHUNK_BYTES) this.body.bytes(bytes);
    else this.chunks.push(Buffer.from(bytes));
  }

  /** Closes the current body chunk (copied to its exact size: the writer's buffer may be twice as large). */
  private cut(): void {
    if (this.body.length === 0) return;
    this.chunks.push(Buffer.from(this.body.result()));
    this.body.release(); // 6 MB a chunk, otherwise held until a full GC
    this.body = new ByteWriter(CHUNK_BYTES + (CHUNK_BYTES >> 1));
  }
}
