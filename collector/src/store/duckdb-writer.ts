import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { StoredEvent } from './store.js';

/**
 * One writing connection with its appender. Each `write` is one transaction: the appender's rows
 * join the open transaction and the COMMIT, which writes and fsyncs the WAL, runs on DuckDB's
 * thread (an appender's own flush would commit, and fsync, on the event loop). The next transaction
 * is begun right after each commit, so a write costs one thread round trip, not two.
 */
export class DuckDBWriter {
  private begun: Promise<unknown>;

  private constructor(
    private readonly connection: DuckDBConnection,
    private appender: DuckDBAppender,
  ) {
    this.begun = this.begin();
  }

  static async open(connection: DuckDBConnection): Promise<DuckDBWriter> {
    return new DuckDBWriter(connection, await connection.createAppender('events'));
  }

  /** Resolves once the rows are committed (durable). */
  async write(events: readonly StoredEvent[]): Promise<void> {
    const a = this.appender;
    try {
      await this.begun;
      for (const e of events) {
        a.appendVarchar(e.site);
        a.appendUBigInt(e.idHash);
        a.appendVarchar(e.type);
        a.appendBigInt(BigInt(e.ts));
        a.appendBigInt(BigInt(e.receivedAt));
        a.appendUBigInt(e.visitor);
        a.appendVarchar(e.path);
        if (e.name === null) a.appendNull();
        else a.appendVarchar(e.name);
        if (e.value === null) a.appendNull();
        else a.appendDouble(e.value);
        a.appendVarchar(e.props);
        a.appendVarchar(e.source);
        a.appendVarchar(e.utmSource);
        a.appendVarchar(e.utmMedium);
        a.appendVarchar(e.utmCampaign);
        a.appendVarchar(e.country);
        a.appendVarchar(e.browser);
        a.appendVarchar(e.os);
        a.appendVarchar(e.device);
        a.endRow();
      }
      a.flushSync();
      await this.connection.run('COMMIT');
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => {});
      // A failed appender may keep partial rows: drop it so the next write starts clean.
      discard(a);
      this.appender = await this.connection.createAppender('events');
      throw error;
    } finally {
      this.begun = this.begin();
    }
  }

  /** Ends the (empty) open transaction and closes the connection. */
  async close(): Promise<void> {
    await this.begun.then(() => this.connection.run('COMMIT')).catch(() => {});
    discard(this.appender);
    this.connection.closeSync();
  }

  /** Opens the transaction the next `write` uses; a failure surfaces in that write. */
  private begin(): Promise<unknown> {
    const begun = this.connection.run('BEGIN TRANSACTION');
    begun.catch(() => {});
    return begun;
  }
}

function discard(appender: DuckDBAppender): void {
  try {
    appender.closeSync();
  } catch {
    // already failed or closed; nothing left to flush
  }
}
