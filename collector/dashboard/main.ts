/**
 * Dashboard composition root: reads the view from the URL, wires controls, cards and the live feed,
 * and loads `/api/stats` for the range and the previous period. Rendering lives in cards/.
 */
import { BreakdownCard } from './cards/breakdown-card.js';
import { BREAKDOWN_CARDS } from './cards/card-definitions.js';
import { LivePanel } from './cards/live-panel.js';
import { clearOverview, renderOverview } from './cards/overview.js';
import { TimeChart } from './cards/time-chart.js';
import { renderVitals } from './cards/vitals-card.js';
import { renderWorldMap } from './cards/world-map.js';
import { type Filter, type FilterDimension, FilterError, formatFilters, parseFilters, withFilter } from './filters.js';
import { ApiError } from './lib/api-error.js';
import { bindControls, syncControls } from './lib/controls.js';
import { byId } from './lib/dom.js';
import { fetchStats, statsUrl } from './lib/fetch-stats.js';
import { renderFilterBar } from './lib/filter-bar.js';
import { pollLiveFromStats } from './lib/live-fallback.js';
import { connectLive } from './lib/live-feed.js';
import { previousRange, resolveRange } from './lib/range.js';
import { showNotice, showSignIn } from './lib/notice.js';
import type { Stats } from './lib/stats-types.js';
import { forgetToken, saveToken, takeToken } from './lib/token.js';
import { readViewState, writeViewState, type ViewState } from './lib/view-state.js';
import { browserTimeZone } from './lib/zoned-time.js';

/** Ranges ending "now" are refreshed this often while the tab is visible. */
const REFRESH_MS = 15_000;

/** Why the URL's filters= was ignored (shown in the filter bar until the filters change). */
let filterProblem = '';
let token = takeToken();
let state = readViewState();
let filters: Filter[] = safeParse(state.filters);
let inFlight: AbortController | null = null;
let disconnectLive: (() => void) | null = null;
let liveSite = '';
let liveZone = '';

const onFilter = (dimension: FilterDimension, value: string): void => {
  const current = filters.find((f) => f.dimension === dimension)?.value;
  setFilters(withFilter(filters, dimension, current === value ? null : value));
};
const cards = Object.entries(BREAKDOWN_CARDS).map(([id, tabs]) => new BreakdownCard(byId(id), tabs, onFilter));
const live = new LivePanel((path) => onFilter('page', path), state.tz);
let seriesChart = new TimeChart(byId('series-chart'), { height: 220, timeZone: state.tz });

bindControls((patch) => update(patch));
byId<HTMLFormElement>('signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  token = byId<HTMLInputElement>('token-input').value.trim();
  saveToken(token);
  showSignIn(false);
  start();
});
byId('sign-out').addEventListener('click', () => {
  forgetToken();
  token = null;
  stopLive();
  showSignIn(true);
});
window.addEventListener('popstate', () => {
  state = readViewState();
  filters = safeParse(state.filters);
  start();
});
setInterval(() => {
  if (!document.hidden && token && state.range !== 'custom') void load(false);
}, REFRESH_MS);

writeViewState(state, 'replace');
start();

function start(): void {
  syncControls(state);
  if (!token) {
    showSignIn(true);
    return;
  }
  byId('sign-out').hidden = false;
  connectLiveFor(state.site, state.tz);
  void load(true);
}

function update(patch: Partial<ViewState>): void {
  state = { ...state, ...patch };
  if (patch.filters !== undefined) filters = safeParse(state.filters);
  writeViewState(state);
  start();
}

function setFilters(next: Filter[]): void {
  update({ filters: formatFilters(next) });
}

async function load(showPlaceholders: boolean): Promise<void> {
  if (!token) return;
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  const timeZone = state.tz || browserTimeZone();
  const range = resolveRange(state, timeZone, Date.now());
  const query = { site: state.site, filters: formatFilters(filters), tz: state.tz, ...range };
  renderFilterBar(byId('filter-bar'), filters, setFilters, filterProblem);
  if (showPlaceholders) clearOverview();
  document.body.dataset.loading = 'true';
  try {
    const [stats, previous] = await Promise.all([
      fetchStats(query, token, controller.signal),
      fetchStats({ ...query, ...previousRange(range) }, token, controller.signal).catch(() => null),
    ]);
    if (controller.signal.aborted) return;
    render(stats, previous);
    document.body.dataset.statsUrl = statsUrl(query);
    showNotice(stats.totals.pageviews === 0 && stats.totals.events === 0 ? 'empty' : null, state.site);
  } catch (error) {
    if (controller.signal.aborted) return;
    if (error instanceof ApiError && error.kind === 'unauthorized') {
      // A refused token is dropped, so a reload asks for a new one instead of failing again.
      forgetToken();
      token = null;
      stopLive();
      showSignIn(true, 'That token was not accepted. Paste the current one.');
    } else {
      showNotice(error instanceof ApiError && error.kind !== 'down' ? 'error' : 'down', state.site, String((error as Error).message));
    }
  } finally {
    if (inFlight === controller) {
      inFlight = null;
      delete document.body.dataset.loading;
    }
  }
}

function render(stats: Stats, previous: Stats | null): void {
  renderOverview(stats.totals, previous?.totals ?? null);
  if (state.tz !== (byId('series-chart').dataset.tz ?? '')) {
    seriesChart.destroy();
    seriesChart = new TimeChart(byId('series-chart'), { height: 220, timeZone: state.tz });
    byId('series-chart').dataset.tz = state.tz;
  }
  seriesChart.setData(stats.series ?? []);
  const selected = new Map(filters.map((f) => [f.dimension, f.value]));
  for (const card of cards) card.update(stats, selected);
  renderVitals(byId('vitals'), stats.vitals ?? []);
  renderWorldMap(byId('world-map'), stats.countries ?? []);
}

function connectLiveFor(site: string, tz: string): void {
  if (disconnectLive && liveSite === site && liveZone === tz) return;
  stopLive();
  if (liveZone !== tz) live.setTimeZone(tz);
  live.clear();
  liveSite = site;
  liveZone = tz;
  let stopPolling: (() => void) | null = null;
  const disconnect = connectLive(site, token!, (s) => live.update(s), (status) => {
    live.setStatus(status);
    if (status === 'unavailable' && !stopPolling) stopPolling = pollLiveFromStats(site, token!, (s) => live.update(s));
  });
  disconnectLive = () => {
    disconnect();
    stopPolling?.();
  };
}

function stopLive(): void {
  disconnectLive?.();
  disconnectLive = null;
}

function safeParse(raw: string): Filter[] {
  filterProblem = '';
  try {
    return parseFilters(raw);
  } catch (error) {
    if (!(error instanceof FilterError)) throw error;
    filterProblem = `Ignoring filters: ${error.message}`;
    return [];
  }
}
