import type { WireEvent } from '../beacon/wire-event.js';
import type { Connection } from '../bridge/index.js';

/** Captured events kept until the pipeline confirms it queued them (for the pagehide beacon). */
const MAX_UNCONFIRMED = 500;

/**
 * The main thread's side of capture: `push` is all `track()` pays for (an array push); events go
 * to the pipeline once per task (one postMessage for a burst). Every event stays `unconfirmed` until
 * the pipeline's `add` resolves, which it does only once the events are durably queued (the
 * IndexedDB transaction is done). At `pagehide` the bridge sends what nobody delivered yet: the
 * pipeline's beacon plus everything unconfirmed; with no pipeline connected yet (the worker still
 * starting, or nothing tracked before), `orphan` sends the unconfirmed events. Duplicates with a
 * later flush are fine: ids are stable and the collector counts each once.
 */
export function createOutbox(
  connect: () => Promise<Connection>,
  orphan: (events: WireEvent[]) => void,
  warn: (message: string) => void,
) {
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
    const events = [...unconfirmed];
    unconfirmed.clear();
    if (connection) connection.lastGasp(events);
    else if (events.length) orphan(events);
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
