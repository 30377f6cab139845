import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CollectorConfig } from './config.js';
import { errorResponse } from './http/error-response.js';
import type { Handler } from './http/handler.js';
import { HttpError } from './http/http-error.js';
import { Router } from './http/router.js';
import { jsonResponse } from './http/json-response.js';
import { createAnonymizer } from './ingest/anonymize.js';
import { botReason } from './ingest/bots.js';
import type { SaltSource } from './ingest/daily-salts.js';
import { decodeBeaconBody } from './ingest/decode-beacon.js';
import { decodeJson } from './ingest/decode-json.js';
import { Deduper } from './ingest/dedupe.js';
import type { CountryLookup } from './ingest/geo.js';
import type { Sender } from './ingest/ingest-types.js';
import { RateLimiter } from './ingest/rate-limit.js';
import { parseUserAgent } from './ingest/user-agent.js';
import { validateBatch } from './ingest/validate.js';
import type { CollectorMetrics } from './metrics/collector-metrics.js';
import { ingestPreflight, ingestRoute, type IngestResult } from './routes/ingest-route.js';
import { metricsRoute } from './routes/metrics-route.js';
import { statsRoute } from './routes/stats-route.js';
import { dashboardHandler } from './static/dashboard-handler.js';
import { serveDirectory } from './static/serve-directory.js';
import { createGroupCommit } from './store/commit-group.js';
import { GroupCommitter } from './store/group-commit.js';
import { ListenerQueue, type StoredListener } from './store/listener-queue.js';
import type { Stats, StatsQuery } from './stats/stats-types.js';
import type { Store, StoredEvent } from './store/store.js';
import type { WispSdk } from './wisp-sdk.js';

export interface AppDeps {
  config: CollectorConfig;
  token: string;
  store: Store;
  sdk: WispSdk;
  country: CountryLookup;
  salts: SaltSource;
  metrics: CollectorMetrics;
  /** `GET /api/stats` answers (default: the store's SQL); the stream wiring answers from rollups. */
  stats?: (query: StatsQuery) => Promise<Stats>;
  /** Errors that are bugs or outages (500); must not log request data. Default: log the message. */
  onUnexpected?: (error: unknown) => void;
}

export type { StoredListener } from './store/listener-queue.js';

export interface App {
  /** Request -> Response for every route; never throws (errors become 4xx/5xx answers). */
  handler: Handler;
  /** Subscribes a later pipeline stage to durable events. */
  onStored(listener: StoredListener): void;
  /** Mounts an extra route (e.g. `GET /api/live`) before the static fallbacks. */
  route(method: string, path: string, handler: Handler): void;
  /** Writes everything queued, then stops accepting work. */
  drain(): Promise<void>;
}

const GROUP_MAX_EVENTS = 5000;
/** A second group starts while one is in flight only from this many events (fixed cost per commit). */
const GROUP_MIN_CONCURRENT_EVENTS = 250;

/**
 * Composition root. Ingest pipeline, in order:
 *   rate limit -> decode -> validate -> bots -> anonymize -> [group] dedupe -> store -> listeners
 * and the routes that expose it, the stats, the metrics and the static files.
 */
export async function createApp(deps: AppDeps): Promise<App> {
  const { config, store, sdk, metrics } = deps;
  const onUnexpected =
    deps.onUnexpected ?? ((error: unknown) => console.error(`wisp-collector: internal error: ${error instanceof Error ? error.message : String(error)}`));
  const listeners: StoredListener[] = [];
  const listenerQueue = new ListenerQueue(listeners, metrics);
  const rateLimiter = new RateLimiter(config.rateLimitPerSecond);
  const deduper = await Deduper.open({ dir: join(config.dataDir, 'dedupe'), sealKeys: config.dedupeMemoryKeys });
  for await (const rows of store.scanIdHashes(deduper.windowStart(Date.now()))) {
    for (const row of rows) deduper.add(row.idHash, row.receivedAt);
    await deduper.caughtUp();
  }
  metrics.memoryParts.push(() => ({ dedupe_index: deduper.byteLength }));
  const anonymize = createAnonymizer({
    ...sdk,
    country: deps.country,
    parseUserAgent,
    saltFor: (receivedAt) => deps.salts.saltFor(receivedAt),
  });

  const committer = new GroupCommitter<StoredEvent[], IngestResult>({
    maxWeight: GROUP_MAX_EVENTS,
    maxConcurrent: store.maxConcurrentAppends ?? 1,
    minConcurrentWeight: GROUP_MIN_CONCURRENT_EVENTS,
    weight: (events) => events.length,
    commit: createGroupCommit({ deduper, store, metrics, listeners: listenerQueue }), // dedupe -> store -> listeners
  });

  const ingest = async (decoded: unknown, sender: Sender): Promise<IngestResult> => {
    const batch = validateBatch(decoded, { sites: config.sites, now: sender.receivedAt }); // validate
    // Bots before anonymize: detection needs the raw User-Agent, which anonymize discards.
    const bot = botReason(sender.userAgent);
    if (bot) {
      metrics.events.inc({ outcome: 'bot', reason: bot }, batch.events.length);
      return { accepted: 0, duplicates: 0 };
    }
    return committer.submit(anonymize(batch, sender)); // anonymize -> dedupe -> store
  };

  const rateLimit = (ip: string, now: number) => rateLimiter.take(ip, now);
  const decodeBeacon = (body: Uint8Array) => decodeBeaconBody(body, sdk.decodeBeacon);
  const sdkDist = join(dirname(createRequire(import.meta.url).resolve('wisp/package.json')), 'dist');
  const here = dirname(fileURLToPath(import.meta.url));

  const router = new Router()
    .on('GET', '/healthz', () => jsonResponse({ ok: true }))
    .on('POST', '/api/events', ingestRoute({ route: 'events', rateLimit, decode: decodeJson, ingest, metrics }))
    .on('POST', '/api/e', ingestRoute({ route: 'e', rateLimit, decode: decodeBeacon, ingest, metrics }))
    .on('OPTIONS', '/api/events', ingestPreflight)
    .on('OPTIONS', '/api/e', ingestPreflight)
    .on('GET', '/api/stats', statsRoute(deps.token, async (query) => {
      await listenerQueue.settled(); // every answered event is in the stream's rollups
      return (deps.stats ?? ((q) => store.stats(q)))(query);
    }))
    .on('GET', '/metrics', metricsRoute(metrics.registry, async () => {
      metrics.queueDepth.set(committer.depth);
      metrics.dedupeKeys.set(deduper.size);
      if (store.memoryBytes) metrics.storeMemoryBytes.set(await store.memoryBytes());
    }))
    .on('GET', '/sdk/*', serveDirectory(sdkDist, { prefix: '/sdk/', headers: { 'access-control-allow-origin': '*' } }));
  const fallbacks = new Router();
  if (config.demo) fallbacks.on('GET', '/demo/*', serveDirectory(join(here, '../../demo'), { prefix: '/demo/' }));
  fallbacks.on('GET', '/*', dashboardHandler(join(here, 'dashboard')));

  const routes: Handler = async (request, context) => {
    try {
      return await router.handle(request, context);
    } catch (error) {
      if (!(error instanceof HttpError) || error.status !== 404) throw error;
      return fallbacks.handle(request, context);
    }
  };
  return {
    // The one error handler: every route's HttpError becomes its answer; anything else a 500.
    handler: async (request, context) => {
      try {
        return await routes(request, context);
      } catch (error) {
        return errorResponse(error, onUnexpected);
      }
    },
    onStored: (listener) => void listeners.push(listener),
    route: (method, path, handler) => void router.on(method, path, handler),
    drain: async () => {
      await committer.drain();
      await listenerQueue.settled();
      await deduper.close();
    },
  };
}
