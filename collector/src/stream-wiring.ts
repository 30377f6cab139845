import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Gauge, Histogram, Counter } from 'prom-client';
import { AlertEngine, DeliveryLedger, loadAlertConfig, rollupsAlertSource } from './alerts/index.js';
import type { CollectorConfig } from './config.js';
import { SITE_PATTERN } from './ingest/limits.js';
import { liveRoute, StreamPipeline } from './live/index.js';
import { recoverPipeline, type RecoveryReader } from './live/recover-pipeline.js';
import { streamMemoryParts } from './live/stream-memory.js';
import type { CollectorMetrics } from './metrics/collector-metrics.js';
import { chooseInterval, DAY_MS, HOUR_MS, rangeStats, storeEdgeLoader } from './rollups/index.js';
import { rollupCoverage } from './rollups/rollup-coverage.js';
import type { RawEventReader } from './rollups/store-edge-loader.js';
import { boundedEdgeReads, EdgeTooLargeError } from './rollups/bounded-edge-reads.js';
import { layeredEdgeLoader, memoizeEdgeLoader } from './rollups/layered-edge-loader.js';
import { decodeSnapshot } from './rollups/rollup-snapshot.js';
import { encodeInSlices, type SnapshotCapture } from './rollups/snapshot-capture.js';
import { SNAPSHOT_FILE, SnapshotFile } from './rollups/snapshot-file.js';
import type { App } from './server.js';
import { fromStoredEvent } from './sessions/index.js';
import { rollupStatsBody } from './stats/rollup-stats.js';
import type { Stats, StatsQuery } from './stats/stats-types.js';
import type { Store } from './store/store.js';
import { releaseArray } from './memory/release-array.js';

/**
 * How far back the rollups cover stored events (WISP_ROLLUP_DAYS, default 62: the dashboard's
 * "30 days" and its previous period, the 30 days before, are on the rollup path, with a day of
 * margin for the midnight alignment and time zones). Built once from the store, then kept in the
 * snapshot file, so a restart replays only what was stored after the snapshot. Older ranges are
 * answered by SQL. Hour windows are kept as long (their edges need them); halving it halves their memory.
 */
export const DEFAULT_ROLLUP_DAYS = 62;

/**
 * The same for a store without `eventsBetween` (ClickHouse: stats come from its SQL, the rollups only
 * feed the live view and alerts, whose spike rule looks a week back), rebuilt in one read at start.
 */
export const DEFAULT_ROLLUP_DAYS_WITHOUT_SNAPSHOTS = 8;

/**
 * Events a stats request may hold for one raw edge read from the store (WISP_STATS_MAX_EDGE_EVENTS);
 * over it the request is answered by SQL (`boundedEdgeReads`). ~300 MB of event objects at most.
 */
export const DEFAULT_MAX_EDGE_EVENTS = 300_000;

/** Sites whose dashboard ranges are computed ahead (see `warm`). */
const WARM_SITES = 3;

/** Time between two rollup snapshots (WISP_SNAPSHOT_INTERVAL_MS); one is also written at shutdown. */
export const DEFAULT_SNAPSHOT_INTERVAL_MS = 5 * 60_000;

export interface StreamWiring {
  pipeline: StreamPipeline;
  /** `/api/stats`: rollups + raw edges when unfiltered and covered (embedded store), else the store's SQL. */
  stats(query: StatsQuery): Promise<Stats>;
  /** Mounts `/api/live` and subscribes the pipeline to durable groups; starts ticks and alerts. */
  attach(app: App): void;
  close(): void;
}

/**
 * The stream stages (sessions -> rollups -> live, alerts) around a store: recovered from stored
 * events before the collector listens, fed every durable group right after its commit.
 */
export async function createStreamWiring(options: {
  config: CollectorConfig;
  store: Store;
  token: string;
  metrics: CollectorMetrics;
  env?: NodeJS.ProcessEnv;
  clock?: () => number;
}): Promise<StreamWiring> {
  const { config, store, metrics } = options;
  const env = options.env ?? process.env;
  const clock = options.clock ?? Date.now;
  const registers = [metrics.registry];
  const latency = new Histogram({
    name: 'wisp_stream_processing_seconds',
    help: 'Processing latency: request receipt -> rollup and live feed updated, per durable group',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const processed = new Counter({ name: 'wisp_stream_events_total', help: 'Events processed by the stream stages', registers });
  const streamErrors = new Counter({ name: 'wisp_stream_errors_total', help: 'Stream stage failures (late-event reconciliation, alerts)', labelNames: ['kind'] as const, registers });
  let pipeline!: StreamPipeline;
  new Gauge({
    name: 'wisp_stream_queue_depth',
    help: 'Late events waiting for session reconciliation against the store',
    registers,
    collect() {
      this.set(pipeline.queueDepth);
    },
  });
  new Gauge({
    name: 'wisp_live_connections',
    help: 'Connected /api/live streams',
    registers,
    collect() {
      this.set(pipeline.hub.listenerCount);
    },
  });
  metrics.memoryParts.push(() => streamMemoryParts(pipeline));
  const onError = (kind: string) => (error: unknown) => {
    streamErrors.inc({ kind });
    metrics.errors.inc({ kind: 'stream' });
    console.error(`wisp-collector: stream ${kind} failed: ${error instanceof Error ? error.message : String(error)}`);
  };
  const visitorsOf = (visitors: readonly string[]) => visitors.map((v) => BigInt(`0x${v}`));
  const between = store.eventsBetween?.bind(store);
  const defaultDays = between ? DEFAULT_ROLLUP_DAYS : DEFAULT_ROLLUP_DAYS_WITHOUT_SNAPSHOTS;
  const wantedDays = Number(env.WISP_ROLLUP_DAYS ?? defaultDays);
  const days = Number.isFinite(wantedDays) && wantedDays > 0 ? wantedDays : defaultDays;
  const { from, retentionMs } = rollupCoverage(clock(), days);
  const log = env.WISP_STREAM_LOG === '1' ? (line: string) => console.error(`wisp-collector: ${line}`) : () => {};
  pipeline = new StreamPipeline({
    clock,
    retentionMs,
    loadVisitorEvents: async (site, visitors) => (await store.eventsOfVisitors(site, visitorsOf(visitors))).map(fromStoredEvent),
    onProcessed: ({ events, latencyMs }) => {
      processed.inc(events);
      latency.observe(Math.max(0, latencyMs) / 1000);
    },
    onError: onError('reconcile'),
    // Page sets of a busy hour or day built (or its sets packed) in the background, slice by slice.
    onWindowJob: ({ job, slices, longestSliceMs, busyMs, totalMs }) => {
      if (slices > 1) log(`rollup ${job.kind} of ${job.site} ${new Date(job.start).toISOString()} (${job.size / 60_000} min): ${slices} slices, longest ${longestSliceMs.toFixed(1)} ms, ${Math.round(busyMs)} ms of work in ${Math.round(totalMs)} ms`);
    },
  });

  // Recovery: the snapshot plus what was stored after it, or windows rebuilt from `from` on; then
  // the sessions that may still grow and the recent events.
  const rows = async (read: Promise<Parameters<typeof fromStoredEvent>[0][]>) => (await read).map(fromStoredEvent);
  const reader: RecoveryReader = {
    eventsSince: (sinceMs) => rows(store.eventsSince(sinceMs)),
    eventsOfVisitors: (site, visitors) => rows(store.eventsOfVisitors(site, visitorsOf(visitors))),
    eventsByTime: between && ((a, b) => rows(between('ts', a, b))),
    eventsReceivedSince: between && ((a) => rows(between('receivedAt', a, Number.MAX_SAFE_INTEGER))),
  };
  const snapshots = between !== undefined && env.WISP_SNAPSHOT !== '0';
  const snapshotFile = snapshots ? new SnapshotFile(join(config.dataDir, SNAPSHOT_FILE)) : null;
  const snapshot = snapshotFile && readSnapshot(snapshotFile);
  const started = performance.now();
  const recovery = await recoverPipeline(pipeline, reader, { from, snapshot });
  log(`stream recovered (${recovery.mode}, ${recovery.events} events) in ${Math.round(performance.now() - started)} ms`);
  // Skipped when nothing changed since the last one (its replay window then still holds).
  let savedRevision = recovery.mode === 'snapshot' && recovery.events === 0 && snapshot?.pendingLate.length === 0 ? pipeline.revision : -1;
  // At shutdown nothing arrives any more: one synchronous encode.
  const encodeAtOnce = () => {
    const t = performance.now();
    const capture = pipeline.captureSnapshot();
    capture.step();
    const chunks = capture.finish();
    log(`rollup snapshot encoded (${megabytes(chunks)} MB) in ${Math.round(performance.now() - t)} ms at shutdown`);
    return chunks;
  };

  const rawReads: RawEventReader = {
    eventsInRange: (site, a, b) => rows(store.eventsInRange(site, a, b)),
    eventsOfEdgeVisitors: store.eventsOfEdgeVisitors && ((site, edge, read) => rows(store.eventsOfEdgeVisitors!(site, edge, read))),
  };
  const countEdge = store.countEventsOfEdgeVisitors?.bind(store);
  const maxEdgeEvents = Number(env.WISP_STATS_MAX_EDGE_EVENTS ?? DEFAULT_MAX_EDGE_EVENTS);
  const loadEdge = layeredEdgeLoader({
    rollups: pipeline.rollups,
    memory: (site, a, b) => pipeline.memoryEdge(site, a, b),
    store: storeEdgeLoader(
      rawReads.eventsOfEdgeVisitors && countEdge
        ? boundedEdgeReads({ eventsInRange: rawReads.eventsInRange, eventsOfEdgeVisitors: rawReads.eventsOfEdgeVisitors, countEventsOfEdgeVisitors: countEdge }, maxEdgeEvents)
        : rawReads,
    ),
  });
  const sqlFallbacks = new Counter({
    name: 'wisp_stats_sql_fallbacks_total',
    help: 'Stats requests on the rollup path answered by SQL because a raw edge was over WISP_STATS_MAX_EDGE_EVENTS',
    registers,
  });
  const rollupsAnswer = config.store !== 'clickhouse';
  const stats = async (query: StatsQuery): Promise<Stats> => {
    if (!rollupsAnswer || (query.filters?.length ?? 0) > 0 || query.from < pipeline.rollups.coveredFrom) return store.stats(query);
    try {
      const body = await rangeStats(pipeline.rollups, query.site, query.from, query.to, memoizeEdgeLoader(loadEdge), {
        interval: query.interval ?? chooseInterval(query.from, query.to), tz: query.tz, limit: 100,
      });
      return rollupStatsBody(query, body);
    } catch (error) {
      if (!(error instanceof EdgeTooLargeError)) throw error;
      sqlFallbacks.inc();
      return store.stats(query);
    }
  };

  // The dashboard's "30 days" and "7 days" of the busiest sites and their previous periods (the
  // change shown next to each total), asked once ahead: builds the cached settled merges (a day's
  // windows merged once, then hourly from a copy) and the `from` edges' hours, so no visitor waits
  // for them: at startup (before listening) and when a new hour starts.
  let warmedHour = -1;
  const warm = async () => {
    const now = clock();
    warmedHour = Math.floor(now / HOUR_MS);
    for (const site of pipeline.rollups.busiestSites().slice(0, WARM_SITES)) {
      for (const days of [30, 7]) {
        for (const to of [now, now - days * DAY_MS]) {
          const query = { site, from: to - days * DAY_MS, to, bucketMs: DAY_MS };
          if (query.from >= pipeline.rollups.coveredFrom) await stats(query);
        }
      }
    }
  };
  if (rollupsAnswer) await warm();

  // Periodic snapshots are one instant of the state, encoded a slice at a time (copy-on-write for
  // windows that change meanwhile), so the event loop is never held for long (see SnapshotCapture).
  let capture: SnapshotCapture | null = null;
  const saveSnapshot = async () => {
    if (capture || savedRevision === pipeline.revision) return;
    const revision = pipeline.revision;
    const t = performance.now();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    try {
      const mine = (capture = pipeline.captureSnapshot());
      const report = await encodeInSlices(mine);
      delay.disable();
      if (capture !== mine) return; // cancelled by close(), which writes its own
      log(`rollup snapshot encoded (${megabytes(report.chunks)} MB) in ${Math.round(performance.now() - t)} ms: ${report.slices} slices, ` +
        `longest ${report.longestSliceMs.toFixed(1)} ms, event loop delay max ${(delay.max / 1e6).toFixed(1)} ms, ${report.copiedOnWrite} windows copied on write`);
      if (await snapshotFile?.write(report.chunks)) savedRevision = revision;
      // Written: free the chunks now. At 10M events they are ~200 MB, and an idle collector's next full GC
      // came ~40 s later (RSS 389 -> 466 MB meanwhile).
      for (const chunk of report.chunks) releaseArray(chunk);
    } catch (error) {
      onError('snapshot')(error);
    } finally {
      delay.disable();
      capture = null;
    }
  };
  let ticker: NodeJS.Timeout | undefined;
  let snapshotTimer: NodeJS.Timeout | undefined;
  let alerts: AlertEngine | undefined;
  return {
    pipeline,
    stats,
    attach(app) {
      app.onStored((rows) => pipeline.process(rows.map(fromStoredEvent)));
      app.route('GET', '/api/live', liveRoute(pipeline.hub, {
        token: options.token,
        isValidSite: (site) => SITE_PATTERN.test(site) && (!config.sites || config.sites.has(site)),
      }));
      ticker = setInterval(() => {
        try {
          pipeline.tick();
        } catch (error) {
          onError('tick')(error);
        }
        if (rollupsAnswer && Math.floor(clock() / HOUR_MS) !== warmedHour) warm().catch(onError('warm'));
      }, 5_000);
      ticker.unref();
      if (snapshotFile) {
        snapshotTimer = setInterval(() => void saveSnapshot(), Number(env.WISP_SNAPSHOT_INTERVAL_MS ?? DEFAULT_SNAPSHOT_INTERVAL_MS));
        snapshotTimer.unref();
      }
      if (env.WISP_ALERTS) {
        alerts = new AlertEngine({
          config: loadAlertConfig(env.WISP_ALERTS),
          source: rollupsAlertSource(pipeline.rollups),
          clock,
          ledger: new DeliveryLedger(join(config.dataDir, 'alerts-delivered.txt')),
        });
        alerts.start(Number(env.WISP_ALERTS_INTERVAL_MS ?? 30_000), (report) => {
          if (!report.result.ok) streamErrors.inc({ kind: 'alert_delivery' });
        });
      }
    },
    close() {
      if (ticker) clearInterval(ticker);
      if (snapshotTimer) clearInterval(snapshotTimer);
      alerts?.stop();
      pipeline.close();
      // Called after the ingest queue drained: the snapshot holds every stored event.
      capture?.cancel();
      capture = null;
      if (snapshotFile && savedRevision !== pipeline.revision) {
        try {
          snapshotFile.writeSync(encodeAtOnce());
        } catch (error) {
          onError('snapshot')(error);
        }
      }
    },
  };
}

function megabytes(chunks: Buffer[]): string {
  return (chunks.reduce((n, chunk) => n + chunk.length, 0) / 1e6).toFixed(1);
}

/** The snapshot in the data dir, or null (none, or unreadable: then the rollups are rebuilt). */
function readSnapshot(file: SnapshotFile): ReturnType<typeof decodeSnapshot> | null {
  try {
    const bytes = file.read();
    return bytes && decodeSnapshot(bytes);
  } catch (error) {
    console.error(`wisp-collector: ignoring the rollup snapshot (${error instanceof Error ? error.message : String(error)}); rebuilding`);
    return null;
  }
}
