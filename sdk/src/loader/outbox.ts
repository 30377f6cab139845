import type { WireEvent } from '../beacon/wire-event.js';
import type { Connection } from '../bridge/index.js';

/** Captured events kept until the pipeline confirms it queued them (for the pagehide beacon). */
const MAX_UNCONFIRMED = 500;

/**
 * The main thread's side of capture: `push` is all `track()` pays for (an array push); events go
 * to the pipeline once per task (one postMessage for a burst). At `pagehide` the bridge sends what
 * nobody delivered yet, including what the pipeline never confirmed.
 */
export function createOutbox(connect: () => Promise<Connection>, warn: (message: string) => void) {
  let pending: WireEvent[] = [];
  const unconfirmed = new Set<WireEvent>();
  let connection: Connection | undefined;
  let scheduled = false;
  let posted: Promise<void> = Promise.resolve();
  let hidden = false;

  const post = () => {
    scheduled = false;
    if (!connection || !pending.length) return;
    const batch = pending;
    pending = [];
    posted = connection.add(batch).then(
      () => batch.forEach((event) => unconfirmed.delete(event)),
      (error: unknown) => warn(`queue: ${error}`),
    );
  };

  const gasp = () => {
    post();
    connection?.lastGasp([...unconfirmed]);
    unconfirmed.clear();
  };

  return {
    push(event: WireEvent) {
      // Bounded even if the pipeline never comes up (bridge blocked or unreachable).
      if (pending.push(event) > 1_000) pending.shift();
      unconfirmed.add(event);
      if (unconfirmed.size > MAX_UNCONFIRMED) unconfirmed.delete(unconfirmed.values().next().value!);
      // After pagehide (web-vitals reports LCP, CLS, INP as the page hides) the page may die any
      // moment: send right after the reporting listener returns.
      if (hidden || (event.type === 'vital' && document.visibilityState === 'hidden')) queueMicrotask(gasp);
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
      unconfirmed.clear();
    },
    pagehide(persisted: boolean) {
      hidden = !persisted;
      gasp();
    },
    pageshow() {
      hidden = false;
    },
  };
}
