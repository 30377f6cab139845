/**
 * Hands out resources one holder at a time, first come first served. A DuckDB connection runs one
 * query at a time: a second query on it ends the first one's result stream early (its next
 * `fetchChunk` comes back empty), which silently drops rows. Every use of a connection goes
 * through a pool so that overlapping requests never share one.
 */
export class ExclusivePool<T> {
  private readonly idle: T[];
  private readonly waiting: ((resource: T) => void)[] = [];

  constructor(readonly resources: readonly T[]) {
    if (resources.length === 0) throw new Error('ExclusivePool needs at least one resource');
    this.idle = [...resources];
  }

  /** Runs `use` with a resource nobody else holds until it settles. */
  async with<R>(use: (resource: T) => Promise<R>): Promise<R> {
    const resource = await this.acquire();
    try {
      return await use(resource);
    } finally {
      this.release(resource);
    }
  }

  /** A resource for the caller alone until it passes it to `release` (for holders that yield, e.g. generators). */
  async acquire(): Promise<T> {
    return this.idle.pop() ?? (await new Promise<T>((resolve) => this.waiting.push(resolve)));
  }

  release(resource: T): void {
    const next = this.waiting.shift();
    if (next) next(resource);
    else this.idle.push(resource);
  }
}
