import type { WireEvent } from '../beacon/wire-event.js';
import type { Connection } from '../bridge/index.js';

/**
 * The main thread's side of capture: `push` is all `track()` pays for (an array push); events go
 * to the pipeline once per task (one postMessage for a burst), and at `pagehide` the pipeline's
 * pre-encoded beacon of undelivered events leaves by `sendBeacon`.
 */
export function createOutbox(connect: () => Promise<Connection>, warn: (message: string) => void) {
  let pending: WireEvent[] = [];
  let connection: Connection | undefined;
  let scheduled = false;
  let posted: Promise<void> = Promise.resolve();
  let hiding = false;

  const post = () => {
    scheduled = false;
    if (!connection || !pending.length) return;
    const batch = pending;
    pending = [];
    posted = connection.add(batch).catch((error: unknown) => warn(`queue: ${error}`));
  };

  return {
    push(event: WireEvent) {
      // Bounded even if the pipeline never comes up (bridge blocked or unreachable).
      if (pending.push(event) > 1_000) pending.shift();
      // web-vitals reports while the page hides (visibilitychange, pagehide): too late for the worker.
      if (event.type === 'vital' && (hiding || document.visibilityState === 'hidden')) connection?.sendLateVitals([event]);
      if (scheduled) return;
      scheduled = true;
      if (connection) queueMicrotask(post);
      else
        connect().then(
          (ready) => {
            connection = ready;
            post();
          },
          (error: unknown) => warn(`pipeline: ${error}`),
        );
    },
    /** Posts what is pending and waits until it is queued. */
    async drain() {
      post();
      await posted;
    },
    clear() {
      pending = [];
    },
    pagehide(persisted: boolean) {
      hiding = !persisted;
      post();
      connection?.lastGasp();
    },
  };
}
