import { byId } from '../lib/dom.js';
import { formatCount } from '../lib/format.js';
import type { LiveStatus } from '../lib/live-feed.js';
import { RankedList } from '../lib/ranked-list.js';
import type { LiveSnapshot } from '../lib/stats-types.js';
import { TimeChart } from './time-chart.js';

const STATUS_TEXT: Record<LiveStatus, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  unavailable: 'live feed unavailable: polling every 10 s',
};

/** The realtime strip: current visitors, the last 30 minutes per minute, top pages right now. */
export class LivePanel {
  private readonly current = byId('live-current');
  private readonly status = byId('live-status');
  private readonly minutesTotal = byId('live-pageviews');
  private readonly topPages: RankedList;
  private chart: TimeChart;

  constructor(onPage: (path: string) => void, timeZone: string) {
    this.chart = new TimeChart(byId('live-chart'), { height: 150, bars: true, timeZone });
    this.topPages = new RankedList(byId<HTMLOListElement>('live-pages'), {
      maxRows: 5,
      emptyText: 'Nobody on the site right now.',
      onPick: onPage,
    });
  }

  setTimeZone(timeZone: string): void {
    this.chart.destroy();
    this.chart = new TimeChart(byId('live-chart'), { height: 150, bars: true, timeZone });
  }

  setStatus(status: LiveStatus): void {
    this.status.textContent = STATUS_TEXT[status];
    this.status.dataset.status = status;
  }

  /** Resets to dashes when the site changes, before the first snapshot of the new site. */
  clear(): void {
    this.current.textContent = '–';
    delete this.current.dataset.value;
    this.minutesTotal.textContent = '';
    this.chart.setData([]);
    this.topPages.update([]);
  }

  update(snapshot: LiveSnapshot): void {
    this.current.textContent = formatCount(snapshot.current);
    this.current.dataset.value = String(snapshot.current);
    const pageviews = snapshot.minutes.reduce((sum, m) => sum + m.pageviews, 0);
    this.minutesTotal.textContent = `${formatCount(pageviews)} pageviews in 30 min`;
    this.minutesTotal.dataset.value = String(pageviews);
    this.chart.setData(snapshot.minutes);
    this.topPages.update(snapshot.topPages.map((p) => ({ key: p.key, label: p.key, value: p.pageviews })));
  }
}
