import { describe, expect, it } from 'vitest';
import { StreamPipeline } from '../../../collector/src/live/index.js';
import { HOUR_MS, MINUTE_MS, type Aggregate } from '../../../collector/src/rollups/index.js';
import { decodeSnapshot, encodeSnapshot, type SnapshotWindow } from '../../../collector/src/rollups/rollup-snapshot.js';
import { encodeInSlices } from '../../../collector/src/rollups/snapshot-capture.js';
import type { StreamEvent } from '../../../collector/src/sessions/index.js';

const T0 = Date.UTC(2026, 10, 25, 6);

function event(i: number, ts: number, receivedAt: number): StreamEvent {
  return {
    site: i % 4 ? 'a' : 'b', visitor: `v${i % 13}`, id: `e${i}`, type: (['pageview', 'pageview', 'event', 'vital', 'error'] as const)[i % 5]!,
    path: `/p${i % 5}`, ts, name: i % 5 < 2 ? null : `n${i % 3}`, props: i % 5 === 3 ? { value: i * 1.5 } : { plan: `x${i % 2}` },
    referrer: i % 3 ? '' : 'news.example', country: 'FR', receivedAt,
  };
}

/** A window's content, comparable with toEqual (sets as sorted members, maps as sorted entries). */
function plain(window: Aggregate) {
  const sorted = (set: { toArray(): Uint32Array }) => [...set.toArray()].sort((x, y) => x - y);
  const { version: _version, followers: _f, visitorFollowers: _v, visitors, pageVisitors, vitals, ...rest } = window;
  return {
    ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v instanceof Map ? [...v].sort() : v])),
    visitors: sorted(visitors),
    pageVisitors: [...pageVisitors].map(([page, set]) => [page, sorted(set)]).sort(),
    vitals: [...vitals].map(([name, sketch]) => [name, sketch.state()]).sort(),
  };
}

function byKey(windows: SnapshotWindow[]) {
  return new Map(windows.map((w) => [`${w.site}|${w.sizeMs}|${w.start}`, plain(w.window)]));
}

describe('snapshot capture (encoded while events keep arriving)', () => {
  it('holds exactly the windows of the instant it was taken, though events change old, current and new windows meanwhile', async () => {
    let now = T0; // the windows cover event times from the construction on
    const pipeline = new StreamPipeline({ clock: () => now, allowedLatenessMs: 4 * HOUR_MS });
    now = T0 + 3 * HOUR_MS;
    for (let i = 0; i < 600; i++) pipeline.process([event(i, T0 + i * 18_000, now)]);
    const atTheInstant = decodeSnapshot(encodeSnapshot(pipeline.snapshot()));
    const capture = pipeline.captureSnapshot();
    // One window per turn; between turns, events land in windows not yet encoded (hours back, as
    // late events do), in the current ones, and in windows that did not exist at the instant.
    let i = 600;
    while (!capture.step(Infinity, 1)) {
      now += 1000;
      const ts = [T0 + (i % 7) * 7 * MINUTE_MS, now - 1000, T0 + 4 * HOUR_MS + (i % 50) * MINUTE_MS][i % 3]!;
      pipeline.process([event(i, ts, now)]);
      i++;
    }
    expect(i - 600).toBeGreaterThan(100);
    expect(capture.copiedOnWrite).toBeGreaterThan(0);
    const captured = decodeSnapshot(Buffer.concat(capture.finish()));
    expect(byKey(captured.windows)).toEqual(byKey(atTheInstant.windows));
    expect({ ...captured, windows: [] }).toEqual({ ...atTheInstant, windows: [] });
    // The windows kept changing after the instant (the capture did not freeze or copy them).
    expect(byKey([...pipeline.rollups.entries()])).not.toEqual(byKey(atTheInstant.windows));
  });

  it('encodeInSlices yields to the event loop between slices and stops watching when done', async () => {
    let now = T0;
    const pipeline = new StreamPipeline({ clock: () => now });
    now = T0 + 3 * HOUR_MS;
    for (let i = 0; i < 3000; i++) pipeline.process([event(i, T0 + i * 3_000, now)]);
    const expected = byKey(decodeSnapshot(encodeSnapshot(pipeline.snapshot())).windows);
    // Other work of the event loop (ingest) gets turns between the slices.
    let turns = 0;
    let running = true;
    const ingest = () => {
      if (!running) return;
      turns++;
      now += 1;
      pipeline.process([event(10_000 + turns, now - HOUR_MS, now)]);
      setImmediate(ingest);
    };
    setImmediate(ingest);
    const report = await encodeInSlices(pipeline.captureSnapshot(), 0);
    running = false;
    expect(report.slices).toBeGreaterThan(1);
    expect(turns).toBeGreaterThan(0);
    expect(byKey(decodeSnapshot(Buffer.concat(report.chunks)).windows)).toEqual(expected);
    // No watcher left: a later change costs nothing and a new capture starts clean.
    expect(pipeline.captureSnapshot().step()).toBe(true);
  });
});
