import { fetchStats } from './fetch-stats.js';
import type { LiveSnapshot } from './stats-types.js';

const MINUTE_MS = 60_000;
const POLL_MS = 10_000;

/**
 * When `/api/live` is refused or missing, the realtime strip is still filled, from `/api/stats`
 * every 10 s: per-minute pageviews and top pages of the last 30 minutes, and as "current visitors"
 * the distinct visitors of the last 5 minutes. Returns a function that stops polling.
 */
export function pollLiveFromStats(site: string, token: string, onSnapshot: (snapshot: LiveSnapshot) => void): () => void {
  let stopped = false;
  const poll = async (): Promise<void> => {
    const now = Date.now();
    const base = { site, filters: '', tz: '', to: now };
    try {
      const [half, recent] = await Promise.all([
        fetchStats({ ...base, from: now - 30 * MINUTE_MS }, token),
        fetchStats({ ...base, from: now - 5 * MINUTE_MS }, token),
      ]);
      if (stopped) return;
      onSnapshot({
        site,
        now: new Date(now).toISOString(),
        current: recent.totals.visitors,
        minutes: half.series.slice(-30),
        topPages: half.pages.map((p) => ({ key: p.key, pageviews: p.pageviews ?? 0 })),
      });
    } catch {
      // The overview shows the error state; the strip keeps its last numbers.
    }
  };
  void poll();
  const timer = setInterval(() => {
    if (!document.hidden) void poll();
  }, POLL_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
