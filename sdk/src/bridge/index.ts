import type { WireEvent } from '../beacon/wire-event.js';
import { encodeLastGasp } from '../pipeline/last-gasp-beacon.js';
import { scrubEvent } from '../pipeline/scrub-event.js';
import type { PageState, PipelineApi, PipelineConfig } from '../protocol.js';
import { sendLastGasp } from './send-last-gasp.js';
import { startWorker } from './start-worker.js';

/** What the loader talks to, wherever the pipeline runs. */
export interface Connection extends PipelineApi {
  /**
   * At `pagehide`: sends what this page captured and nobody delivered yet: the beacon the pipeline
   * prepared for what it queued, plus `unconfirmed` (captured, not yet queued by the pipeline, such
   * as an event tracked in a submit handler or web vitals reported as the page hides).
   */
  lastGasp(unconfirmed: WireEvent[]): void;
}

/**
 * At `pagehide`, before (or without) a connected pipeline: scrubs `events` and sends them as one
 * beacon. The loader calls it once this module has loaded, even while the worker is still starting.
 */
export function sendEvents(config: PipelineConfig, unconfirmed: WireEvent[]): void {
  const options = config.allowParams ? { allowParams: config.allowParams } : {};
  const events = unconfirmed.map((event) => scrubEvent(event, options));
  if (events.length) sendLastGasp(config.endpoint, encodeLastGasp({ site: config.site, events }));
}

/**
 * The main thread's side of the pipeline, loaded lazily by the loader: starts the worker, or runs
 * the same pipeline in the page when no worker can start. It carries the scrubber and the encoder
 * for one reason: a worker dies with its page, so events it has not queued at `pagehide` can only
 * leave from here (TOOLCHAIN.md), and nothing leaves unscrubbed.
 */
export async function connect(config: PipelineConfig, sdkUrl: string, useWorker: boolean): Promise<Connection> {
  const workerUrl = new URL('wisp-worker.js', sdkUrl);
  let state: PageState = { beacon: null, ids: [] };
  const keep = (latest: PageState) => void (state = latest);
  const lastGasp = (unconfirmed: WireEvent[]) => {
    // The pipeline puts events in its beacon before it confirms them (the IndexedDB write is
    // still running): those are in both lists, and go once.
    const inBeacon = new Set(state.ids);
    if (state.beacon) sendLastGasp(config.endpoint, state.beacon);
    state = { beacon: null, ids: [] };
    sendEvents(config, unconfirmed.filter((event) => !inBeacon.has(event.id)));
  };
  // Workers do not reliably see `online` (Chromium's network emulation, some browsers): the page
  // forwards it, and the pipeline flushes at once instead of waiting out its backoff.
  // The listener goes with the connection: after destroy() an `online` must not flush a closed pipeline.
  const onlineFlush = (connection: Connection): Connection => {
    const onOnline = () => void connection.flush().catch(() => {});
    addEventListener('online', onOnline);
    return {
      ...connection,
      close: () => {
        removeEventListener('online', onOnline);
        return connection.close();
      },
    };
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
        lastGasp,
      });
    } catch (error) {
      if (config.debug) console.warn('wisp: main-thread pipeline:', error);
    }
  }
  const { createPipeline } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ workerUrl.href)) as typeof import('../worker.js');
  const pipeline = await createPipeline(config, keep);
  return onlineFlush({ add: pipeline.add, flush: pipeline.flush, clear: pipeline.clear, close: pipeline.close, lastGasp });
}
