import type { WireEvent } from '../beacon/wire-event.js';
import type { PageState, PipelineApi, PipelineConfig } from '../protocol.js';
import { encodeLateVitals } from './encode-late-vitals.js';
import { sendLastGasp } from './send-last-gasp.js';
import { startWorker } from './start-worker.js';

/** What the loader talks to, wherever the pipeline runs. */
export interface Connection extends PipelineApi {
  /** At `pagehide`: sends what this page captured and nobody delivered yet. */
  lastGasp(): void;
  /** Web vitals reported while the page hides: sent at once, they may not live to be queued. */
  sendLateVitals(vitals: WireEvent[]): void;
}

/**
 * The main thread's side of the pipeline, loaded lazily by the loader: starts the worker, or runs
 * the same pipeline in the page when no worker can start. Holds no scrub, queue or general beacon
 * code: the pipeline hands it a ready last-gasp beacon and the scrubbed page URL.
 */
export async function connect(config: PipelineConfig, sdkUrl: string, useWorker: boolean): Promise<Connection> {
  const workerUrl = new URL('wisp-worker.js', sdkUrl);
  let state: PageState = { beacon: null, url: '' };
  const keep = (latest: PageState) => void (state = latest);
  const page = {
    lastGasp() {
      if (state.beacon) sendLastGasp(config.endpoint, state.beacon);
      state = { ...state, beacon: null };
    },
    sendLateVitals(vitals: WireEvent[]) {
      if (state.url) sendLastGasp(config.endpoint, encodeLateVitals(config.site, state.url, vitals));
    },
  };
  // Workers do not reliably see `online` (Chromium's network emulation, some browsers): the page
  // forwards it, and the pipeline flushes at once instead of waiting out its backoff.
  const onlineFlush = (connection: Connection) => {
    addEventListener('online', () => void connection.flush().catch(() => {}));
    return connection;
  };
  if (useWorker && typeof Worker !== 'undefined') {
    try {
      const { remote, worker } = await startWorker(workerUrl, config, keep);
      return onlineFlush({
        add: (events) => remote.add(events),
        flush: () => remote.flush(),
        clear: () => remote.clear(),
        close: async () => {
          await remote.close().catch(() => {});
          worker.terminate();
        },
        ...page,
      });
    } catch (error) {
      if (config.debug) console.warn('wisp: main-thread pipeline:', error);
    }
  }
  const { createPipeline } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ workerUrl.href)) as typeof import('../worker.js');
  const pipeline = await createPipeline(config, keep);
  return onlineFlush({ add: pipeline.add, flush: pipeline.flush, clear: pipeline.clear, close: pipeline.close, ...page });
}
