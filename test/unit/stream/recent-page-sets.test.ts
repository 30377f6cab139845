// The current hour's windows are not merged with their page sets per request (a busy hour held 10M
// (page, visitor) pairs: ~0.9 s on every "today"); toStats unites the top pages' sets from the windows
// themselves, read in the same synchronous piece as their counts, after the raw edges loaded.
import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS, Rollups, rangeStats, type EdgeLoader } from '../../../collector/src/rollups/index.js';
import type { StreamEvent } from '../../../collector/src/sessions/index.js';
import { statsDirect } from './stats-helpers.js';

const DAY0 = Date.UTC(2026, 10, 20);
const HOUR = DAY0 + 10 * HOUR_MS;
const NOW = HOUR + 20 * MINUTE_MS + 30_000;

let id = 0;
function pageview(visitor: number, page: number, ts: number): StreamEvent {
  return { site: 's', visitor: `v${visitor}`, id: `e${id++}`, type: 'pageview', path: `/p${page}`, ts, name: null };
}

describe('stats of a range reaching into the current hour', () => {
  it('count page visitors of the recent windows exactly, with events arriving and the cover moving while edges load', async () => {
    const rollups = new Rollups({ clock: () => NOW, coveredFrom: DAY0 });
    const all: StreamEvent[] = [];
    const add = (events: StreamEvent[]) => {
      all.push(...events);
      rollups.addEvents(events);
    };
    for (let i = 0; i < 600; i++) add([pageview((i * 7) % 90, (i * 13) % 12, HOUR + ((i * 7919) % (20 * 60)) * 1000)]);
    add([pageview(1, 2, HOUR + 5 * MINUTE_MS + 1000)]); // before `from` in its minute: a raw edge there
    const from = HOUR + 5 * MINUTE_MS + 15_000;
    let loads = 0;
    const loadEdge: EdgeLoader = async (site, a, b) => {
      loads++;
      await new Promise((resolve) => setImmediate(resolve));
      if (loads === 1) {
        // Meanwhile: visitors new and known on recent minutes, and one event after `to` in the last
        // minute, which turns its sliver before `to` into a raw edge (the cover moves).
        add([pageview(500, 3, HOUR + 12 * MINUTE_MS), pageview(7, 11, NOW - 2000), pageview(501, 3, NOW - 1000)]);
        add([pageview(502, 4, NOW + 5000)]);
      }
      return { events: all.filter((e) => e.site === site && e.ts >= a && e.ts < b), sessions: [] };
    };
    const { series: _series, ...body } = await rangeStats(rollups, 's', from, NOW, loadEdge, { interval: 'minute', limit: 1000 });
    expect(loads).toBeGreaterThan(1);
    expect(body).toEqual(statsDirect('s', all, [], from, NOW));
    expect(body.pages.every((row) => row.visitors! <= row.pageviews!)).toBe(true);
    // The view merges the recent windows' counts only.
    const view = rollups.view('s', from, NOW);
    expect(view.extra.pageviews).toBeGreaterThan(0);
    expect(view.extra.pageVisitors.size).toBe(0);
    expect(view.pageParts.length).toBeGreaterThan(10);
  });
});
