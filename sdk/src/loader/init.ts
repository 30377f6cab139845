import type { EventType, WireEvent } from '../beacon/wire-event.js';
import type { Connection } from '../bridge/index.js';
import type { Props, Wisp, WispOptions } from '../options.js';
import type { PipelineConfig } from '../protocol.js';
import { newEventId } from './new-event-id.js';
import { createOutbox } from './outbox.js';
import { sendRaw } from './send-raw.js';
import { hasPrivacySignal, isOptedOut, setOptOut } from './privacy.js';
import { validateTrack } from './validate-track.js';
import { watchErrors } from './watch-errors.js';
import { watchNavigation } from './watch-navigation.js';

/** Loads one of the SDK's lazily loaded ES modules (they sit next to the loader, under `sdkUrl`). */
const load = <T>(sdkUrl: string, file: string): Promise<T> => import(/* @vite-ignore */ /* webpackIgnore: true */ sdkUrl + file);

/**
 * Creates a client. The loader only captures: the pipeline (scrub, queue, send) is loaded lazily
 * from `sdkUrl` and runs in a worker. Throws only on programmer errors (missing site/endpoint).
 */
export function createClient(options: WispOptions): Wisp {
  if (!options?.site || !options.endpoint) throw new TypeError('wisp: init() needs { site, endpoint }');
  const warn = (message: string) => options.debug && console.warn(`wisp: ${message}`);
  const sdkUrl = options.sdkUrl ?? new URL('/sdk/', options.endpoint).href;
  // The options are plain data: the pipeline takes what it needs and applies its own defaults.
  const config: PipelineConfig = options;

  let destroyed = false;
  let previousUrl = '';
  let vitalsStarted = false;
  // GPC and DNT cannot change while the page lives: read once, not per event (track() is hot).
  const privacySignal = options.respectPrivacySignals !== false && hasPrivacySignal();
  const blocked = () => destroyed || privacySignal || isOptedOut();
  // The bridge loads as soon as the client starts (not at the first event): an event tracked just
  // before the page leaves can then be scrubbed and sent even while the worker is still starting.
  type Bridge = typeof import('../bridge/index.js');
  let bridge: Bridge | undefined;
  let bridgeLoad: Promise<Bridge> | undefined;
  const loadBridge = () => (bridgeLoad ??= load<Bridge>(sdkUrl, 'wisp-bridge.js').then((loaded) => (bridge = loaded)));
  let connection: Promise<Connection> | undefined;
  const connect = () => (connection ??= loadBridge().then((loaded) => loaded.connect(config, sdkUrl, options.worker !== false)));
  const orphan = (events: WireEvent[]) =>
    bridge ? bridge.sendEvents(config, events) : sendRaw(options.site, options.endpoint, events);
  const outbox = createOutbox(connect, orphan, warn);
  if (!blocked()) loadBridge().catch((error: unknown) => warn(`pipeline: ${error}`));

  const emit = (type: EventType, name: string | null, props: Props, url = location.href, referrer = '') => {
    if (!blocked()) outbox.push({ id: newEventId(), type, url, referrer, ts: Date.now(), name, props });
  };
  const pageview = (url = location.href) => {
    if (blocked()) return;
    emit('pageview', null, {}, url, previousUrl || document.referrer);
    previousUrl = url;
    if (options.vitals !== false && !vitalsStarted) {
      vitalsStarted = true;
      load<typeof import('../vitals/index.js')>(sdkUrl, 'wisp-vitals.js').then(
        (vitals) => vitals.startVitals((name, value) => emit('vital', name, { value })),
        (error: unknown) => warn(`vitals: ${error}`),
      );
    }
  };

  const cleanups: Array<() => void> = [];
  const onPagehide = (event: PageTransitionEvent) => outbox.pagehide(event.persisted);
  const onPageshow = () => outbox.pageshow();
  addEventListener('pagehide', onPagehide);
  addEventListener('pageshow', onPageshow);
  cleanups.push(() => {
    removeEventListener('pagehide', onPagehide);
    removeEventListener('pageshow', onPageshow);
  });
  if (options.autoPageviews !== false) cleanups.push(watchNavigation(() => pageview(), !!options.hashRouting));
  if (options.errors !== false) cleanups.push(watchErrors(emit));
  if (options.outboundLinks || options.fileDownloads) {
    load<typeof import('./watch-clicks.js')>(sdkUrl, 'wisp-clicks.js').then(
      (clicks) => destroyed || cleanups.push(clicks.watchClicks(emit, !!options.outboundLinks, !!options.fileDownloads)),
      (error: unknown) => warn(`clicks: ${error}`),
    );
  }
  if (options.autoPageviews !== false) pageview();

  return {
    track(name, props) {
      const valid = validateTrack(name, props, warn);
      if (valid) emit('event', valid.name, valid.props);
    },
    pageview(url) {
      if (url === undefined || typeof url === 'string') pageview(url && new URL(url, location.href).href);
      else warn('pageview(url): url must be a string');
    },
    async flush() {
      if (blocked()) return { sent: 0, queued: 0 };
      const ready = await connect();
      await outbox.drain();
      return ready.flush();
    },
    optOut() {
      setOptOut(true);
      outbox.clear();
      void connection?.then((ready) => ready.clear());
    },
    optIn() {
      setOptOut(false);
    },
    destroy() {
      destroyed = true;
      cleanups.forEach((cleanup) => cleanup());
      void connection?.then((ready) => ready.close());
    },
  };
}
