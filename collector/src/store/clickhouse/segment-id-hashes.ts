import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { IdHashRow } from '../store.js';

/**
 * Dedupe keys of the rows of one buffer segment received at or after `sinceMs` (rebuilding the dedupe
 * index); a segment shipped and deleted meanwhile yields nothing, ClickHouse has its rows.
 */
export async function readSegmentIdHashes(path: string, sinceMs: number): Promise<IdHashRow[]> {
  const rows: IdHashRow[] = [];
  try {
    // Line by line: after a long outage the journal can hold a lot.
    for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
      if (line === '') continue;
      const row = JSON.parse(line) as { id_hash: string; received_at: number };
      if (row.received_at >= sinceMs) rows.push({ idHash: BigInt(row.id_hash), receivedAt: row.received_at });
    }
  } catch (error) {
    // Inserted and deleted meanwhile: ClickHouse has these rows, the scan reads them there.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return rows;
}
