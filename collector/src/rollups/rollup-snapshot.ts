import type { StreamEvent } from '../sessions/types.js';
import { COUNT_KEYS, emptyAggregate, type Aggregate, type Counts } from './aggregate.js';
import { ByteReader } from './byte-io.js';
import { DistinctSet } from './distinct-set.js';
import { runWords } from './packed-run.js';
import { QuantileSketch } from './quantile-sketch.js';
import { PACKED_SET, SMALL_SET, SNAPSHOT_MAGIC as MAGIC, SNAPSHOT_VERSION, SnapshotEncoder } from './snapshot-encoder.js';
import { packWindow } from './pack-window.js';
import { MINUTE_MS, type WindowSizeMs } from './window-sizes.js';

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
  /** The rollups' `minutesFrom` (minute windows dropped early for memory; absent: none). */
  minutesFrom?: number;
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

/** The whole snapshot in one buffer, synchronously (tests, small states; see SnapshotCapture otherwise). */
export function encodeSnapshot(snapshot: RollupSnapshot): Buffer {
  const encoder = new SnapshotEncoder(snapshot);
  for (const window of snapshot.windows) encoder.add(window);
  return Buffer.concat(encoder.finish());
}

/** Versions `decodeSnapshot` reads: 1 wrote every set as its members (the first start after an upgrade restores it, packing as it reads). */
const READABLE_VERSIONS = new Set([1, SNAPSHOT_VERSION]);

/** The run block of a window without packed sets. */
const NO_RUNS = new Uint32Array(0);

/**
 * Parses `encodeSnapshot` (or SnapshotEncoder) output; throws on a foreign, unknown-version or truncated file.
 * A packed set is restored as the run it was written as (no decode, no encode), viewing its window's run block.
 */
export function decodeSnapshot(bytes: Buffer): RollupSnapshot & { windows: SnapshotWindow[] } {
  const reader = new ByteReader(bytes);
  if (!reader.bytes(MAGIC.length).equals(MAGIC)) throw new Error('not a rollup snapshot');
  const version = reader.u32();
  if (!READABLE_VERSIONS.has(version)) throw new Error(`rollup snapshot version ${version}, expected ${SNAPSHOT_VERSION}`);
  const header = JSON.parse(reader.bytes(reader.u32()).toString('utf8')) as Omit<RollupSnapshot, 'ids' | 'windows'> & { windowCount: number };
  const ids: number[] = new Array(reader.u32());
  for (let i = 0; i < ids.length; i++) ids[i] = reader.f64();
  const strings: string[] = new Array(reader.u32());
  for (let i = 0; i < strings.length; i++) strings[i] = reader.text();
  const text = () => strings[reader.u32()]!;
  // The current window's run block (one array shared by its packed sets, as a pack's) and its next run's word.
  let runs = NO_RUNS;
  let next = 0;
  const readRuns = () => {
    const words = reader.u32();
    runs = words === 0 ? NO_RUNS : new Uint32Array(words);
    new Uint8Array(runs.buffer).set(reader.bytes(words * 4)); // copied: the file offset may be unaligned
    next = 0;
  };
  const set = () => {
    const head = reader.u32();
    if (head >= PACKED_SET && version > 1) {
      // Small integers (`&`, `| 0`): a set's fields never hold a heap number (16 bytes more a set).
      const size = head & ~PACKED_SET;
      const width = reader.u32() | 0;
      const words = runWords(size, width);
      if (width > 32 || next + words > runs.length) throw new Error('rollup snapshot has a packed set outside its run block');
      const distinct = DistinctSet.ofRun({ words: runs, from: next, size, width });
      next += words;
      return distinct;
    }
    const size = head;
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
    // Not in the snapshot: unknown, so no range edge uses the window whole (exactRange).
    window.minTs = -Infinity;
    window.maxTs = Infinity;
    window.pageviews = reader.f64();
    window.events = reader.f64();
    window.errors = reader.f64();
    window.sessions = reader.f64();
    window.bounces = reader.f64();
    window.durationMs = reader.f64();
    if (version > 1) readRuns();
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
    if (next !== runs.length) throw new Error('rollup snapshot has words no packed set uses');
    // Closed windows' sets not packed yet (all of them in a version 1 file) packed one window at a
    // time as they are read (see packWindow), so a restart never holds every window's hash tables
    // at once (the process would keep that peak as RSS).
    if (sizeMs !== MINUTE_MS && start + sizeMs <= header.takenAt) packWindow(window);
    windows.push({ site, sizeMs, start, window });
  }
  if (reader.offset !== bytes.length) throw new Error('rollup snapshot has trailing bytes');
  return {
    coveredFrom: header.coveredFrom, minutesFrom: header.minutesFrom ?? -Infinity, takenAt: header.takenAt, replayFrom: header.replayFrom,
    pendingLate: header.pendingLate, ids, windows,
  };
}
