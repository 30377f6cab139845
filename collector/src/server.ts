import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CollectorConfig } from './config.js';
import type { Handler } from './http/handler.js';
import { HttpError } from './http/http-error.js';
import { Router } from './http/router.js';
import { jsonResponse } from './http/json-response.js';
import { createAnonymizer } from './ingest/anonymize.js';
import { botReason } from './ingest/bots.js';
import type { SaltSource } from './ingest/daily-salts.js';
import { decodeBeaconBody } from './ingest/decode-beacon.js';
import { decodeJson } from './ingest/decode-json.js';
import { Deduper, firstOccurrences } from './ingest/dedupe.js';
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
import { GroupCommitter } from './store/group-commit.js';
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
}

/** Called with every group of newly stored events (sessionizer, rollups, live feed). */
export type StoredListener = (events: readonly StoredEvent[]) => void;

export interface App {
  handler: Handler;
  /** Subscribes a later pipeline stage to durable events. */
  onStored(listener: StoredListener): void;
  /** Mounts an extra route (e.g. `GET /api/live`) before the static fallbacks. */
  route(method: string, path: string, handler: Handler): void;
  /** Writes everything queued, then stops accepting work. */
  drain(): Promise<void>;
}

const GROUP_WINDOW_MS = 2;
const GROUP_MAX_EVENTS = 5000;

/**
 * Composition root. Ingest pipeline, in order:
 *   rate limit -> decode -> validate -> bots -> anonymize -> [group] dedupe -> store -> listeners
 * and the routes that expose it, the stats, the metrics and the static files.
 */
export async function createApp(deps: AppDeps): Promise<App> {
  const { config, store, sdk, metrics } = deps;
  const listeners: StoredListener[] = [];
  const rateLimiter = new RateLimiter(config.rateLimitPerSecond);
  const deduper = new Deduper();
  for await (const rows of store.scanIdHashes(deduper.windowStart(Date.now()))) {
    for (const row of rows) deduper.add(row.idHash, row.receivedAt);
  }
  const anonymize = createAnonymizer({
    ...sdk,
    country: deps.country,
    parseUserAgent,
    saltFor: (receivedAt) => deps.salts.saltFor(receivedAt),
  });

  // Dedupe and store run per group; up to `maxConcurrentAppends` groups are in flight. A group is
  // checked against everything committed and against the keys of groups still being written. If it
  // counted an event as a duplicate of an in-flight group and that group then fails, it fails too
  // (503), even though its own rows were written: the retry stores exactly what is missing.
  const inFlight = new Map<Set<bigint>, Promise<void>>();
  const committer = new GroupCommitter<StoredEvent[], IngestResult>({
    windowMs: GROUP_WINDOW_MS,
    maxWeight: GROUP_MAX_EVENTS,
    maxConcurrent: store.maxConcurrentAppends ?? 1,
    weight: (events) => events.length,
    commit: async (requests) => {
      const started = performance.now();
      const dependsOn = new Set<Promise<void>>();
      const known = (key: bigint) => {
        if (deduper.has(key)) return true;
        for (const [keys, outcome] of inFlight) {
          if (keys.has(key)) {
            dependsOn.add(outcome);
            return true;
          }
        }
        return false;
      };
      const groupKeys = new Set<bigint>();
      const fresh = requests.map((events) => firstOccurrences(known, events, groupKeys)); // dedupe
      const rows = fresh.flat();
      const written = store.append(rows); // store (durable)
      const outcome = written.then(() => {});
      outcome.catch(() => {});
      inFlight.set(groupKeys, outcome);
      try {
        await written;
        for (const row of rows) deduper.add(row.idHash, row.receivedAt);
      } catch (error) {
        metrics.errors.inc({ kind: 'store_write' });
        // Nothing of the group was committed: 503 makes the SDK keep the events and retry.
        if (error instanceof HttpError) throw error;
        console.error(`wisp-collector: store write failed: ${error instanceof Error ? error.message : String(error)}`);
        throw new HttpError(503, 'store_write_failed', 'the store could not write this batch; retry later', { 'retry-after': '1' });
      } finally {
        inFlight.delete(groupKeys);
      }
      await Promise.all(dependsOn).catch(() => {
        throw new HttpError(503, 'store_write_failed', 'a write this batch depends on failed; retry later', { 'retry-after': '1' });
      });
      metrics.groupCommitEvents.observe(rows.length);
      metrics.groupCommitSeconds.observe((performance.now() - started) / 1000);
      for (const listener of listeners) {
        // sessionize -> rollup -> live: the rows are durable already, so a failing listener must
        // not turn this group's answer into an error.
        try {
          listener(rows);
        } catch (error) {
          metrics.errors.inc({ kind: 'listener' });
          console.error(`wisp-collector: stored-events listener failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return requests.map((events, i) => {
        const accepted = fresh[i]!.length;
        metrics.events.inc({ outcome: 'accepted', reason: '' }, accepted);
        metrics.events.inc({ outcome: 'duplicate', reason: '' }, events.length - accepted);
        return { accepted, duplicates: events.length - accepted };
      });
    },
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
    .on('GET', '/api/stats', statsRoute(deps.token, (query) => store.stats(query)))
    .on('GET', '/metrics', metricsRoute(metrics.registry, () => {
      metrics.queueDepth.set(committer.depth);
      metrics.dedupeKeys.set(deduper.size);
    }))
    .on('GET', '/sdk/*', serveDirectory(sdkDist, { prefix: '/sdk/', headers: { 'access-control-allow-origin': '*' } }));
  const fallbacks = new Router();
  if (config.demo) fallbacks.on('GET', '/demo/*', serveDirectory(join(here, '../../demo'), { prefix: '/demo/' }));
  fallbacks.on('GET', '/*', dashboardHandler(join(here, 'dashboard')));

  return {
    handler: async (request, context) => {
      try {
        return await router.handle(request, context);
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
        return fallbacks.handle(request, context);
      }
    },
    onStored: (listener) => void listeners.push(listener),
    route: (method, path, handler) => void router.on(method, path, handler),
    drain: () => committer.drain(),
  };
}
