import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Everything `/metrics` shows, on a registry of its own (several collectors can share a process in
 * tests). Labels carry reasons and routes only, never request data.
 */
export function createCollectorMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'wisp_' });
  const memoryParts: MemoryParts[] = [];
  return {
    registry,
    /** Sources of `wisp_memory_bytes{part}`, read at every scrape (the dedupe index, the stream stages). */
    memoryParts,
    memoryBytes: new Gauge({
      name: 'wisp_memory_bytes',
      help: 'Bytes held by the collector\'s large structures, by part (typed arrays exact, Map entries and strings estimated)',
      labelNames: ['part'] as const,
      registers: [registry],
      collect() {
        for (const parts of memoryParts) for (const [part, bytes] of Object.entries(parts())) this.set({ part }, bytes);
      },
    }),
    ingestSeconds: new Histogram({
      name: 'wisp_ingest_duration_seconds',
      help: 'Time from request arrival to the ingest answer (includes the durable write), by route and status',
      labelNames: ['route', 'status'] as const,
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    events: new Counter({
      name: 'wisp_events_total',
      help: 'Ingested events by outcome (accepted, duplicate, rejected, bot) and reason',
      labelNames: ['outcome', 'reason'] as const,
      registers: [registry],
    }),
    rejectedRequests: new Counter({
      name: 'wisp_ingest_rejected_requests_total',
      help: 'Ingest requests answered 4xx, by error code',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'wisp_store_queue_depth',
      help: 'Events waiting for the next group commit',
      registers: [registry],
    }),
    groupCommitEvents: new Histogram({
      name: 'wisp_group_commit_events',
      help: 'Events written per group commit',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
      registers: [registry],
    }),
    groupCommitSeconds: new Histogram({
      name: 'wisp_group_commit_duration_seconds',
      help: 'Time of one group commit (dedupe + durable write)',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
      registers: [registry],
    }),
    storeMemoryBytes: new Gauge({
      name: 'wisp_store_memory_bytes',
      help: "Memory the embedded store's engine holds in this process (DuckDB buffer manager)",
      registers: [registry],
    }),
    dedupeKeys: new Gauge({
      name: 'wisp_dedupe_keys',
      help: 'Event ids remembered for deduplication (7+ day window)',
      registers: [registry],
    }),
    errors: new Counter({
      name: 'wisp_errors_total',
      help: 'Unexpected errors (5xx answers, store write failures), by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
}

/** Bytes by part name, e.g. `{ dedupe_index: 124e6 }`. */
export type MemoryParts = () => Record<string, number>;

export type CollectorMetrics = ReturnType<typeof createCollectorMetrics>;
