import uPlot from 'uplot';

export interface TimePoint {
  t: string;
  pageviews: number;
  visitors: number;
}

export interface TimeChartOptions {
  height: number;
  /** Bars (the live per-minute chart) instead of lines. */
  bars?: boolean;
  /** IANA zone for axis labels, '' = the browser's. */
  timeZone?: string;
}

const axisFormat = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
/** Short y-axis labels ("1.5K") so they fit the fixed axis width. */
const axisNumber = (n: number): string => axisFormat.format(n);

const DAY_S = 86_400;

/** With daily buckets, tick on the buckets themselves (thinned to ~70 px apart), not on hours. */
const dailySplits: uPlot.Axis.Splits = (u, _axis, min, max, incr, space) => {
  const xs = u.data[0] as number[];
  if (xs.length < 2 || xs[1]! - xs[0]! < DAY_S) {
    const ticks: number[] = [];
    for (let t = Math.ceil(min / incr) * incr; t <= max; t += incr) ticks.push(t);
    return ticks;
  }
  const stride = Math.max(1, Math.ceil((xs.length * Math.max(space, 70)) / Math.max(u.bbox.width / devicePixelRatio, 1)));
  return xs.filter((_x, i) => i % stride === 0);
};

/** Tick labels by bucket size: "Nov 19" (days), "Nov 19, 8 AM" (hours), "8:05 AM" (minutes). */
function dailyValues(timeZone: string | undefined): uPlot.Axis.Values {
  const zone = timeZone || undefined;
  const day = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: zone });
  const hour = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', hour: 'numeric', timeZone: zone });
  const minute = new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit', timeZone: zone });
  return (u, splits) => {
    const xs = u.data[0] as number[];
    const step = xs.length >= 2 ? xs[1]! - xs[0]! : 60;
    const format = step >= DAY_S ? day : step >= 3600 ? hour : minute;
    return splits.map((t) => format.format(t * 1000));
  };
}

const PAGEVIEWS_COLOR = '#4f46e5';
const VISITORS_COLOR = '#0ea5a4';

/**
 * uPlot over a fixed-height box: the box is sized by CSS before the chart exists, so the first
 * data never moves the page, and a ResizeObserver keeps the canvas matched to the box width.
 */
export class TimeChart {
  private readonly plot: uPlot;
  private readonly observer: ResizeObserver;

  constructor(
    private readonly box: HTMLElement,
    options: TimeChartOptions,
  ) {
    const bars = options.bars ? uPlot.paths.bars!({ size: [0.7, 40] }) : undefined;
    const timeZone = options.timeZone;
    this.plot = new uPlot(
      {
        width: Math.max(box.clientWidth, 200),
        height: options.height,
        cursor: { drag: { x: false, y: false } },
        legend: { show: !options.bars },
        tzDate: timeZone ? (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone) : undefined,
        scales: {
          // Bars are centred on their minute: pad half a minute so the first and last are not cut.
          x: { time: true, range: options.bars ? (_u, min, max) => [min - 30, max + 30] : undefined },
          y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] },
        },
        axes: [
          { stroke: '#6b7280', grid: { show: false }, splits: dailySplits, values: dailyValues(timeZone) },
          { stroke: '#6b7280', grid: { stroke: '#e5e7eb' }, size: 48, values: (_u, splits) => splits.map(axisNumber) },
        ],
        series: [
          {},
          options.bars
            ? { label: 'Pageviews', stroke: 'transparent', fill: 'rgba(79,70,229,0.7)', paths: bars, points: { show: false } }
            : { label: 'Pageviews', stroke: PAGEVIEWS_COLOR, fill: 'rgba(79,70,229,0.12)', width: 2, points: { show: false } },
          ...(options.bars
            ? []
            : [{ label: 'Visitors', stroke: VISITORS_COLOR, width: 2, points: { show: false } } as uPlot.Series]),
        ],
      },
      [[], [], ...(options.bars ? [] : [[]])],
      box,
    );
    this.observer = new ResizeObserver(() =>
      this.plot.setSize({ width: Math.max(box.clientWidth, 200), height: options.height }),
    );
    this.observer.observe(box);
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot.destroy();
  }

  setData(points: readonly TimePoint[]): void {
    const xs = points.map((p) => Date.parse(p.t) / 1000);
    const data: uPlot.AlignedData = [xs, points.map((p) => p.pageviews)];
    if (this.plot.series.length > 2) data.push(points.map((p) => p.visitors));
    this.plot.setData(data);
    this.box.dataset.points = String(points.length);
  }
}
