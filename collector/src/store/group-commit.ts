export interface GroupCommitOptions<T, R> {
  /** A group closes early at this many items (sum of `weight`). */
  maxWeight: number;
  /** Groups whose commits may be in flight at once (default 1). */
  maxConcurrent?: number;
  /**
   * While a group is in flight, another one starts only once this much weight is queued (default 1);
   * smaller groups wait for the running one. Every commit has a fixed cost, so this keeps groups big
   * under light load and overlaps commits under heavy load.
   */
  minConcurrentWeight?: number;
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
 * Group commit: requests share one write, and every request of the group is answered after that
 * write. A group is what arrived while the previous write was in flight, or, with none in flight,
 * what arrived in the same turn of the event loop: it starts on `setImmediate`, not after a fixed
 * wait (a 2 ms wait was most of a one-event request's latency, and with a fixed number of clients
 * that latency is the request rate). Up to `maxConcurrent` groups are in flight: while one waits
 * for its write, the next is formed and written once it is worth a write of its own.
 */
export class GroupCommitter<T, R> {
  private queue: Pending<T, R>[] = [];
  private queuedWeight = 0;
  private scheduled: NodeJS.Immediate | undefined;
  private readonly running = new Set<Promise<void>>();
  private readonly maxConcurrent: number;

  constructor(private readonly options: GroupCommitOptions<T, R>) {
    this.maxConcurrent = options.maxConcurrent ?? 1;
  }

  /** Items waiting for a commit, by weight (the store queue depth). */
  get depth(): number {
    return this.queuedWeight;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.queuedWeight += this.options.weight(item);
      if (this.running.size >= this.maxConcurrent) return;
      if (this.running.size > 0) {
        if (this.queuedWeight >= (this.options.minConcurrentWeight ?? 1)) this.flushNow();
        return;
      }
      if (this.queuedWeight >= this.options.maxWeight) this.flushNow();
      else this.scheduled ??= setImmediate(() => this.flushNow());
    });
  }

  /** Commits whatever is queued and waits for every running commit. */
  async drain(): Promise<void> {
    while (this.running.size > 0 || this.queue.length > 0) {
      if (this.queue.length > 0 && this.running.size < this.maxConcurrent) this.flushNow();
      await Promise.race(this.running);
    }
  }

  private flushNow(): void {
    clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.queue.length === 0) return;
    const group = this.queue;
    this.queue = [];
    this.queuedWeight = 0;
    const run: Promise<void> = this.run(group).finally(() => {
      this.running.delete(run);
      // Requests that arrived meanwhile form the next group right away.
      if (this.queue.length > 0 && this.running.size < this.maxConcurrent) this.flushNow();
    });
    this.running.add(run);
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
