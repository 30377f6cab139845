// The settled hours at a range's ends are merged into the cached settled merge without their page
// sets (a busy hour among them made each hourly rebuild hold the loop ~0.46 s); a listed page's sets
// of those hours are united into the merge when the page is first listed, once per merge (read per
// request, they cost every 30-day stats ~25 ms at 10M events). The merge follows its windows, so
// pairs arriving later in those hours reach it too.
import { describe, expect, it } from 'vitest';
import { aggregateOf, DAY_MS, HOUR_MS, MINUTE_MS, Rollups, rangeStats, toStats, visitorFingerprint, type EdgeLoader } from '../../../collector/src/rollups/index.js';
import type { StreamEvent } from '../../../collector/src/sessions/index.js';

const DAY0 = Date.UTC(2026, 10, 20);
const NOW = DAY0 + 3 * DAY_MS + 10 * HOUR_MS + 20 * MINUTE_MS + 30_000;
/** From the middle of DAY0's 14:00 hour: hours 15-23 of DAY0 and 0-9 of today are the settled ends. */
const FROM = DAY0 + 14 * HOUR_MS + 30_000;

let id = 0;
function pageview(visitor: string, path: string, ts: number): StreamEvent {
  return { site: 's', visitor, id: `e${id++}`, type: 'pageview', path, ts, name: null };
}

/** 3,000 pageviews from 150 visitors on 12 pages over the range, and /top the most viewed page. */
function rangeOfEvents(): StreamEvent[] {
  const span = NOW - (DAY0 + 14 * HOUR_MS);
  const events = Array.from({ length: 3000 }, (_, i) => pageview(`v${(i * 7) % 150}`, `/p${(i * 13) % 12}`, DAY0 + 14 * HOUR_MS + Math.floor((i * span) / 3000)));
  for (let i = 0; i < 400; i++) events.push(pageview(`v${i % 150}`, '/top', FROM + Math.floor((i * (NOW - FROM)) / 400) + 17));
  return events.sort((a, b) => a.ts - b.ts);
}

async function stats(rollups: Rollups, all: StreamEvent[], limit: number) {
  const loadEdge: EdgeLoader = async (site, a, b) => ({ events: all.filter((e) => e.site === site && e.ts >= a && e.ts < b), sessions: [] });
  const { series: _series, ...body } = await rangeStats(rollups, 's', FROM, NOW, loadEdge, { interval: 'day', limit });
  return body;
}

const direct = (all: StreamEvent[], limit: number) => toStats(aggregateOf(all.filter((e) => e.ts >= FROM && e.ts < NOW)), limit);

describe('page visitors of the settled hours at a range\'s ends', () => {
  it('are united into the cached merge for the listed pages only, once, and stay exact as late pairs arrive', async () => {
    const rollups = new Rollups({ clock: () => NOW, coveredFrom: DAY0 });
    const all = rangeOfEvents();
    // Visitors seen nowhere else, each on one page in one end hour.
    const endHourPairs = [pageview('only-top', '/top', DAY0 + 17 * HOUR_MS + 5000), pageview('only-p5', '/p5', DAY0 + 3 * DAY_MS + 2 * HOUR_MS)];
    all.push(...endHourPairs);
    rollups.addEvents(all);
    await rollups.jobsIdle();

    expect(await stats(rollups, all, 1)).toEqual(direct(all, 1));
    const view = rollups.view('s', FROM, NOW);
    const merge = view.parts[0]!;
    expect(view.parts).toHaveLength(1);
    expect(view.completePage).toBeDefined();
    // The ends are no page parts any more: only the current hour's windows are read per request.
    expect(view.pageParts.every((window) => window.pageviews > 0)).toBe(true);
    expect(view.pageParts.length).toBeLessThanOrEqual(21);
    // /top was listed: its end-hour pairs are in the merge; /p5 was not: its set holds the day windows' only.
    expect(merge.pageVisitors.get('/top')!.has(visitorFingerprint('only-top'))).toBe(true);
    expect(merge.pageVisitors.get('/p5')!.has(visitorFingerprint('only-p5'))).toBe(false);
    const topSize = merge.pageVisitors.get('/top')!.size;

    // Late pairs in end hours: one of a page already united, one of a page not listed yet.
    const late = [pageview('late-top', '/top', DAY0 + 20 * HOUR_MS), pageview('late-p5', '/p5', DAY0 + 3 * DAY_MS + 4 * HOUR_MS)];
    all.push(...late);
    rollups.addEvents(late);
    await rollups.jobsIdle();
    expect(await stats(rollups, all, 1)).toEqual(direct(all, 1));
    expect(rollups.view('s', FROM, NOW).parts[0]).toBe(merge); // the same merge, kept exact in place
    expect(merge.pageVisitors.get('/top')!.size).toBe(topSize + 1);

    // Every page listed: the rest are united now, and every count is exact.
    expect(await stats(rollups, all, 1000)).toEqual(direct(all, 1000));
    expect(merge.pageVisitors.get('/p5')!.has(visitorFingerprint('only-p5'))).toBe(true);
    expect(await stats(rollups, all, 1000)).toEqual(direct(all, 1000));

    // A page only the ends hold: the merge's set starts as a copy of a window's packed set, and a late
    // pair changes the copy (through the merge following the window) and the window's own set, not another's.
    const endsOnly = [pageview('eo1', '/ends-only', DAY0 + 15 * HOUR_MS + 1000), pageview('eo2', '/ends-only', DAY0 + 3 * DAY_MS + HOUR_MS)];
    all.push(...endsOnly);
    rollups.addEvents(endsOnly);
    rollups.prune();
    await rollups.jobsIdle();
    const fifteen = rollups.window('s', HOUR_MS, DAY0 + 15 * HOUR_MS)!.pageVisitors.get('/ends-only')!;
    expect(fifteen.isPacked).toBe(true);
    expect(await stats(rollups, all, 1000)).toEqual(direct(all, 1000));
    const lateEndsOnly = pageview('eo3', '/ends-only', DAY0 + 15 * HOUR_MS + 2000);
    all.push(lateEndsOnly);
    rollups.addEvents([lateEndsOnly]);
    expect(await stats(rollups, all, 1000)).toEqual(direct(all, 1000));
    expect(rollups.window('s', HOUR_MS, DAY0 + 3 * DAY_MS + HOUR_MS)!.pageVisitors.get('/ends-only')!.size).toBe(1);
    expect(fifteen.size).toBe(2);
  });
});
