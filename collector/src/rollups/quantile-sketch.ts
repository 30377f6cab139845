/**
 * Mergeable quantile sketch in the DDSketch style: values fall in logarithmic buckets
 * (gamma = (1 + a) / (1 - a)), so any quantile is returned with a relative error of at most
 * `relativeAccuracy` (default 1%) of the true value at that rank, whatever the distribution; merging
 * two sketches is adding their bucket counts (exact, order-independent). Zero and negative values
 * (CLS can be 0) share one zero bucket.
 */
export class QuantileSketch {
  private readonly gamma: number;
  private readonly logGamma: number;
  private readonly buckets = new Map<number, number>();
  private zeros = 0;
  count = 0;

  constructor(readonly relativeAccuracy = 0.01) {
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
    this.logGamma = Math.log(this.gamma);
  }

  add(value: number, times = 1): void {
    this.count += times;
    if (!(value > 1e-9)) {
      this.zeros += times;
      return;
    }
    const index = Math.ceil(Math.log(value) / this.logGamma);
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + times);
  }

  /** Plain state for snapshots: zero-bucket count and [bucket index, count] pairs. */
  state(): { zeros: number; buckets: [number, number][] } {
    return { zeros: this.zeros, buckets: [...this.buckets] };
  }

  static fromState(relativeAccuracy: number, state: { zeros: number; buckets: [number, number][] }): QuantileSketch {
    const sketch = new QuantileSketch(relativeAccuracy);
    sketch.zeros = state.zeros;
    sketch.count = state.zeros;
    for (const [index, n] of state.buckets) {
      sketch.buckets.set(index, n);
      sketch.count += n;
    }
    return sketch;
  }

  clone(): QuantileSketch {
    return QuantileSketch.fromState(this.relativeAccuracy, this.state());
  }

  merge(other: QuantileSketch): void {
    this.count += other.count;
    this.zeros += other.zeros;
    for (const [index, n] of other.buckets) this.buckets.set(index, (this.buckets.get(index) ?? 0) + n);
  }

  /** Value at quantile q in [0, 1] (lower rank convention: rank = floor(q * (count - 1))); 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.floor(q * (this.count - 1));
    if (rank < this.zeros) return 0;
    let seen = this.zeros;
    for (const index of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(index)!;
      if (seen > rank) return (2 * Math.pow(this.gamma, index)) / (this.gamma + 1);
    }
    return 0;
  }
}
