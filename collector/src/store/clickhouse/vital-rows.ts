import { QuantileSketch } from '../../rollups/quantile-sketch.js';
import type { VitalRow } from '../../stats/stats-types.js';

/**
 * `vitals` of the answer from (name, value, how often) rows: the same sketch and output as the embedded
 * store's vitalRows (duckdb-stats.ts), fed with counts, so rolled-up values need not be expanded.
 */
export function weightedVitalRows(rows: readonly { key: string; value: number; n: number }[]): VitalRow[] {
  const sketches = new Map<string, QuantileSketch>();
  for (const row of rows) {
    let sketch = sketches.get(row.key);
    if (!sketch) sketches.set(row.key, (sketch = new QuantileSketch()));
    sketch.add(row.value, row.n);
  }
  return [...sketches.keys()].sort().map((key) => {
    const sketch = sketches.get(key)!;
    return { key, p75: sketch.quantile(0.75), p90: sketch.quantile(0.9), count: sketch.count };
  });
}
