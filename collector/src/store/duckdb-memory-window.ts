/**
 * DuckDB's memory limit follows the reads. Its buffer pool keeps the pages the journal loader wrote
 * up to the limit (~150 MB after 10M events at 256 MB, measured), memory no query needs; but SQL
 * stats over 5-10M events (ranges older than the rollups) fail with "Out of Memory" under ~256 MB.
 * So the limit is `idle` while no read runs and `reading` while one does; lowering it makes DuckDB
 * drop cached pages (10M events: RSS 849 -> 571 MB, ingest as fast). Loads stay within `idle`
 * (measured: 2M rows in one INSERT at 64 MB).
 */
export class DuckDBMemoryWindow {
  private reads = 0;
  /** Limit changes, in order (each waits for the one before). */
  private changes: Promise<void> = Promise.resolve();

  constructor(
    /** Runs `SET memory_limit = <limit>` (on a connection of its own: a connection serves one query at a time). */
    private readonly setLimit: (limit: string) => Promise<void>,
    private readonly limits: { idle: string; reading: string },
  ) {}

  /** Runs a read with the reading limit. */
  async around<R>(read: () => Promise<R>): Promise<R> {
    if (this.reads++ === 0) this.change(this.limits.reading);
    try {
      await this.changes;
      return await read();
    } finally {
      if (--this.reads === 0) this.change(this.limits.idle);
    }
  }

  /** Waits for the last change (close). */
  settled(): Promise<void> {
    return this.changes;
  }

  // A limit that cannot be set (DuckDB could not evict enough right now) stays as it was until the next change.
  private change(limit: string): void {
    this.changes = this.changes.then(() => this.setLimit(limit)).catch(() => {});
  }
}
