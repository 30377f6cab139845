import type { StreamEvent } from '../sessions/types.js';
import { COUNT_KEYS, emptyAggregate, type Aggregate, type Counts } from './aggregate.js';
import { ByteReader, ByteWriter } from './byte-io.js';
import { DistinctSet } from './distinct-set.js';
import { QuantileSketch } from './quantile-sketch.js';
import type { WindowSizeMs } from './window-sizes.js';

/** Bumped whenever the layout below changes: an older or newer file is ignored (full rebuild). */
export const SNAPSHOT_VERSION = 1;
const MAGIC = Buffer.from('WISPROLL');
/** Sets up to this size are written member by member (no typed array per set: there are ~10^5 of them). */
const SMALL_SET = 64;

export interface SnapshotWindow {
  site: string;
  sizeMs: WindowSizeMs;
  start: number;
  window: Aggregate;
}

/** The rollups' state plus what tells a restart which stored events it already holds. */
export interface RollupSnapshot {
  /** The rollups' `coveredFrom`. */
  coveredFrom: number;
  /** Clock when taken (epoch ms). */
  takenAt: number;
  /** Stored events received at or after this and not listed in `ids` are replayed at start. */
  replayFrom: number;
  /** `receiptFingerprint` of the events received since `replayFrom` that the windows hold. */
  ids: number[];
  /** Events whose session changes were still pending (late-event reconciliation) when taken. */
  pendingLate: StreamEvent[];
  windows: Iterable<SnapshotWindow>;
}

/**
 * Layout: "WISPROLL", u32 version, u32 header length, header JSON (scalars, pending events), then a
 * string table (every key once) and the windows, binary: counts as f64, distinct sets as their
 * u32 fingerprints (in the machine's byte order: a snapshot stays on the machine that wrote it),
 * sketches as (bucket, count) pairs. Strings are indexes into the table.
 */
export function encodeSnapshot(snapshot: RollupSnapshot): Buffer {
  const strings = new Map<string, number>();
  const ref = (text: string) => {
    let index = strings.get(text);
    if (index === undefined) strings.set(text, (index = strings.size));
    return index;
  };
  const body = new ByteWriter();
  // Most sets are tiny (a page in a minute): member by member; large ones as one array copy.
  const set = (distinct: DistinctSet) => {
    body.u32(distinct.size);
    if (distinct.size <= SMALL_SET) distinct.forEach((fp) => body.u32(fp));
    else {
      const members = distinct.toArray();
      body.bytes(new Uint8Array(members.buffer, members.byteOffset, members.byteLength));
    }
  };
  let windowCount = 0;
  for (const { site, sizeMs, start, window } of snapshot.windows) {
    windowCount++;
    body.u32(ref(site));
    body.f64(sizeMs);
    body.f64(start);
    for (const n of [window.pageviews, window.events, window.errors, window.sessions, window.bounces, window.durationMs]) body.f64(n);
    set(window.visitors);
    for (const key of COUNT_KEYS) {
      body.u32(window[key].size);
      for (const [k, n] of window[key]) {
        body.u32(ref(k));
        body.f64(n);
      }
    }
    body.u32(window.pageVisitors.size);
    for (const [page, visitors] of window.pageVisitors) {
      body.u32(ref(page));
      set(visitors);
    }
    body.u32(window.vitals.size);
    for (const [name, sketch] of window.vitals) {
      const { zeros, buckets } = sketch.state();
      body.u32(ref(name));
      body.f64(sketch.relativeAccuracy);
      body.f64(zeros);
      body.u32(buckets.length);
      for (const [index, n] of buckets) {
        body.f64(index);
        body.f64(n);
      }
    }
  }
  const header = Buffer.from(JSON.stringify({
    coveredFrom: snapshot.coveredFrom, takenAt: snapshot.takenAt, replayFrom: snapshot.replayFrom,
    pendingLate: snapshot.pendingLate, windowCount,
  }));
  const head = new ByteWriter();
  head.bytes(MAGIC);
  head.u32(SNAPSHOT_VERSION);
  head.u32(header.length);
  head.bytes(header);
  head.u32(snapshot.ids.length);
  for (const id of snapshot.ids) head.f64(id);
  head.u32(strings.size);
  for (const text of strings.keys()) head.text(text);
  return Buffer.concat([head.result(), body.result()]);
}

/** Parses `encodeSnapshot` output; throws on a foreign, other-version or truncated file. */
export function decodeSnapshot(bytes: Buffer): RollupSnapshot & { windows: SnapshotWindow[] } {
  const reader = new ByteReader(bytes);
  if (!reader.bytes(MAGIC.length).equals(MAGIC)) throw new Error('not a rollup snapshot');
  const version = reader.u32();
  if (version !== SNAPSHOT_VERSION) throw new Error(`rollup snapshot version ${version}, expected ${SNAPSHOT_VERSION}`);
  const header = JSON.parse(reader.bytes(reader.u32()).toString('utf8')) as Omit<RollupSnapshot, 'ids' | 'windows'> & { windowCount: number };
  const ids: number[] = new Array(reader.u32());
  for (let i = 0; i < ids.length; i++) ids[i] = reader.f64();
  const strings: string[] = new Array(reader.u32());
  for (let i = 0; i < strings.length; i++) strings[i] = reader.text();
  const text = () => strings[reader.u32()]!;
  const set = () => {
    const size = reader.u32();
    if (size <= SMALL_SET) {
      const members: number[] = [];
      for (let i = 0; i < size; i++) members.push(reader.u32());
      return DistinctSet.of(members);
    }
    const members = new Uint32Array(size);
    new Uint8Array(members.buffer).set(reader.bytes(members.byteLength)); // copied: the file offset may be unaligned
    return DistinctSet.of(members);
  };
  const windows: SnapshotWindow[] = [];
  for (let w = 0; w < header.windowCount; w++) {
    const site = text();
    const sizeMs = reader.f64() as WindowSizeMs;
    const start = reader.f64();
    const window = emptyAggregate();
    window.pageviews = reader.f64();
    window.events = reader.f64();
    window.errors = reader.f64();
    window.sessions = reader.f64();
    window.bounces = reader.f64();
    window.durationMs = reader.f64();
    window.visitors = set();
    for (const key of COUNT_KEYS) {
      const counts: Counts = window[key];
      for (let n = reader.u32(); n > 0; n--) counts.set(text(), reader.f64());
    }
    for (let n = reader.u32(); n > 0; n--) window.pageVisitors.set(text(), set());
    for (let n = reader.u32(); n > 0; n--) {
      const name = text();
      const relativeAccuracy = reader.f64();
      const zeros = reader.f64();
      const buckets: [number, number][] = [];
      for (let b = reader.u32(); b > 0; b--) buckets.push([reader.f64(), reader.f64()]);
      window.vitals.set(name, QuantileSketch.fromState(relativeAccuracy, { zeros, buckets }));
    }
    windows.push({ site, sizeMs, start, window });
  }
  if (reader.offset !== bytes.length) throw new Error('rollup snapshot has trailing bytes');
  return { coveredFrom: header.coveredFrom, takenAt: header.takenAt, replayFrom: header.replayFrom, pendingLate: header.pendingLate, ids, windows };
}
