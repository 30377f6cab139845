import { Journal as SharedJournal } from '../journal.js';
import { StoreFullError } from './store-full-error.js';

export type { Segment } from '../journal.js';

/** Options of the ClickHouse buffer's {@link Journal}. */
export interface JournalOptions {
  /** Folder of the segment files (created if missing). */
  dir: string;
  /** Appends are refused with {@link StoreFullError} once this many bytes wait for ClickHouse. */
  maxBytes: number;
}

/**
 * The local durable buffer in front of ClickHouse: the shared journal (collector/src/store/journal.ts,
 * also in front of DuckDB) with JSONEachRow lines, full when ClickHouse is away for too long.
 */
export class Journal extends SharedJournal {
  constructor(options: JournalOptions) {
    super({ ...options, fullError: (bytes, max) => new StoreFullError(bytes, max) });
  }
}
