export interface GroupCommitOptions<T, R> {
  /** How long the first item of a group waits for company, ms. */
  windowMs: number;
  /** A group closes early at this many items (sum of `weight`). */
  maxWeight: number;
  /** Writes a whole group at once; returns one result per item, in order. */
  commit: (items: T[]) => Promise<R[]>;
  /** Size of each item for `maxWeight` and the queue depth (e.g. events in a request). */
  weight: (item: T) => number;
}

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: requests arriving within a few ms share one write (one DuckDB commit costs ~1 ms
 * whatever its size), and every request of the group is answered after that write. Groups commit
 * one at a time, in arrival order, so a group sees everything the previous ones wrote.
 */
export class GroupCommitter<T, R> {
  private queue: Pending<T, R>[] = [];
  private queuedWeight = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: GroupCommitOptions<T, R>) {}

  /** Items waiting for a commit, by weight (the store queue depth). */
  get depth(): number {
    return this.queuedWeight;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.queuedWeight += this.options.weight(item);
      if (this.running) return;
      if (this.queuedWeight >= this.options.maxWeight) this.flushNow();
      else this.timer ??= setTimeout(() => this.flushNow(), this.options.windowMs);
    });
  }

  /** Commits whatever is queued and waits for every running commit. */
  async drain(): Promise<void> {
    while (this.running || this.queue.length > 0) {
      if (!this.running) this.flushNow();
      await this.running;
    }
  }

  private flushNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const group = this.queue;
    this.queue = [];
    this.queuedWeight = 0;
    this.running = this.run(group).finally(() => {
      this.running = undefined;
      // Requests that arrived during the write form the next group right away.
      if (this.queue.length > 0) this.flushNow();
    });
  }

  private async run(group: Pending<T, R>[]): Promise<void> {
    try {
      const results = await this.options.commit(group.map((p) => p.item));
      group.forEach((p, i) => p.resolve(results[i]!));
    } catch (error) {
      for (const p of group) p.reject(error);
    }
  }
}
