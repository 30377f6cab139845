import { HttpError } from '../http/http-error.js';
import type { Deduper } from '../ingest/dedupe.js';
import { firstOccurrences } from '../ingest/first-occurrences.js';
import { U64Set } from '../ingest/u64-set.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';
import type { IngestResult } from '../routes/ingest-route.js';
import type { ListenerQueue } from './listener-queue.js';
import type { Store, StoredEvent } from './store.js';

export interface GroupCommitDeps {
  deduper: Deduper;
  store: Store;
  metrics: CollectorMetrics;
  /** Gets every committed group, after its answers. */
  listeners: ListenerQueue;
}

function storeFailed(detail: string): HttpError {
  return new HttpError(503, 'store_write_failed', detail, { 'retry-after': '1' });
}

/**
 * The commit step of a group of requests: dedupe -> store, then one result per request, then the
 * listeners (queued: they run once the answers are written).
 * Up to `maxConcurrentAppends` groups run at once. A group is checked against everything committed
 * and against the keys of groups still being written; if it counted an event as a duplicate of an
 * in-flight group and that group then fails, it fails too (503), even though its own rows were
 * written: the sender's retry then stores exactly what is missing. Nothing of a failed write is
 * committed, so its requests get 503 and are retried.
 */
export function createGroupCommit(deps: GroupCommitDeps): (requests: StoredEvent[][]) => Promise<IngestResult[]> {
  const { deduper, store, metrics } = deps;
  // The groups being written, with their keys: a key is looked up in each (at most
  // maxConcurrentAppends of them), in U64Sets: Map/Set<bigint> lookups cost ~5% of ingest.
  const inFlight = new Set<{ keys: U64Set; outcome: Promise<void> }>();

  return async (requests) => {
    const started = performance.now();
    const dependsOn = new Set<Promise<void>>();
    const known = (key: bigint) => {
      if (deduper.has(key)) return true;
      for (const group of inFlight) {
        if (!group.keys.has(key)) continue;
        dependsOn.add(group.outcome);
        return true;
      }
      return false;
    };
    const groupKeys = new U64Set(0);
    let fresh: StoredEvent[][];
    try {
      fresh = requests.map((events) => firstOccurrences(known, events, groupKeys));
    } catch (error) {
      metrics.errors.inc({ kind: 'dedupe' });
      console.error(`wisp-collector: dedupe failed: ${error instanceof Error ? error.message : String(error)}`);
      throw storeFailed('the dedupe index could not be read; retry later');
    }
    const rows = fresh.flat();
    const written = store.append(rows);
    const outcome = written.then(() => {});
    outcome.catch(() => {});
    const group = { keys: groupKeys, outcome };
    inFlight.add(group);
    try {
      await written;
      for (const row of rows) deduper.add(row.idHash, row.receivedAt);
    } catch (error) {
      metrics.errors.inc({ kind: 'store_write' });
      if (error instanceof HttpError) throw error;
      console.error(`wisp-collector: store write failed: ${error instanceof Error ? error.message : String(error)}`);
      throw storeFailed('the store could not write this batch; retry later');
    } finally {
      inFlight.delete(group);
    }
    await Promise.all(dependsOn).catch(() => {
      throw storeFailed('a write this batch depends on failed; retry later');
    });
    metrics.groupCommitEvents.observe(rows.length);
    metrics.groupCommitSeconds.observe((performance.now() - started) / 1000);
    deps.listeners.push(rows);
    return requests.map((events, i) => {
      const accepted = fresh[i]!.length;
      metrics.events.inc({ outcome: 'accepted', reason: '' }, accepted);
      metrics.events.inc({ outcome: 'duplicate', reason: '' }, events.length - accepted);
      return { accepted, duplicates: events.length - accepted };
    });
  };
}
