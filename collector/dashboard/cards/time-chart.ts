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
        scales: { y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
        axes: [
          { stroke: '#6b7280', grid: { show: false } },
          { stroke: '#6b7280', grid: { stroke: '#e5e7eb' }, size: 48, values: (_u, splits) => splits.map(axisNumber) },
        ],
        series: [
          {},
          { label: 'Pageviews', stroke: PAGEVIEWS_COLOR, fill: 'rgba(79,70,229,0.12)', width: 2, paths: bars, points: { show: false } },
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
