import { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';
import type { Metric } from 'web-vitals';

/** Reports Core Web Vitals as web-vitals finalises them (mostly at `visibilitychange`/`pagehide`). */
export function startVitals(report: (name: Metric['name'], value: number, rating: Metric['rating']) => void): void {
  const forward = (metric: Metric) => report(metric.name, metric.value, metric.rating);
  onLCP(forward);
  onINP(forward);
  onCLS(forward);
  onFCP(forward);
  onTTFB(forward);
}
