import { RecentEvents } from '../rollups/recent-events.js';
import type { RollupSnapshot } from '../rollups/rollup-snapshot.js';
import { SnapshotCapture } from '../rollups/snapshot-capture.js';
import { Rollups, type RollupsOptions } from '../rollups/rollups.js';
import { Sessionizer } from '../sessions/sessionizer.js';
import { sessionsFromEvents } from '../sessions/sessions-from-events.js';
import type { Clock, SessionChange, SessionSnapshot, StreamEvent } from '../sessions/types.js';
import { CURRENT_WINDOW_MS, currentVisitors } from './current-visitors.js';
import { LateReconciler } from './late-reconciler.js';
import { LiveHub } from './live-hub.js';
import { liveSnapshot } from './live-snapshot.js';
import { ReceiptLog } from './receipt-log.js';

export interface StreamPipelineOptions {
  clock: Clock;
  /**
   * All stored events of these visitors of `site` (any event time). Makes events older than the
   * watermark exact; without it they open sessions of their own (may count a session twice).
   */
  loadVisitorEvents?: (site: string, visitors: string[]) => Promise<StreamEvent[]>;
  /** Sessionizer lateness horizon (default 10 min); at least CURRENT_WINDOW_MS, as "current visitors" reads the sessionizer. */
  allowedLatenessMs?: number;
  retentionMs?: RollupsOptions['retentionMs'];
  coalesceMs?: number;
  heartbeatMs?: number;
  /** After each `process` (metrics: latency = clock() - oldest receivedAt of the batch). */
  onProcessed?: (info: ProcessedInfo) => void;
  /** Failures of background late-event reconciliation (e.g. the store query). */
  onError?: (error: unknown) => void;
  /** When a background page set build or pack of a window is done (see Rollups). */
  onWindowJob?: RollupsOptions['onWindowJob'];
}

export interface ProcessedInfo {
  events: number;
  late: number;
  duplicates: number;
  sessionChanges: number;
  /** clock() minus the earliest `receivedAt` in the batch (0 when absent): receipt -> rollup visible. */
  latencyMs: number;
}

/**
 * The stream stages wired together after the store: sessionize -> rollup -> live. Call `process`
 * with every durable group (synchronously after the commit), `tick` every few seconds, and
 * `recover` once at startup before the first `process`.
 */
export class StreamPipeline {
  readonly clock: Clock;
  readonly sessionizer: Sessionizer;
  readonly rollups: Rollups;
  /** Stored events of the last two hours by event time (raw stats edges near `now` come from here). */
  recentEvents: RecentEvents;
  /** Processed events of the last minute by receipt time (what a snapshot holds). */
  readonly receipts = new ReceiptLog();
  readonly hub: LiveHub;
  private readonly options: StreamPipelineOptions;
  private readonly late: LateReconciler;
  /** Bumped by every change to the windows (processed events, applied late sessions): a snapshot of an unchanged state is skipped. */
  revision = 0;

  constructor(options: StreamPipelineOptions) {
    this.options = options;
    const { clock } = options;
    this.clock = clock;
    this.sessionizer = new Sessionizer({ clock, allowedLatenessMs: options.allowedLatenessMs });
    // Events behind the watermark reach the sessionizer only once reconciled: none may be current.
    if (this.sessionizer.allowedLatenessMs < CURRENT_WINDOW_MS) {
      throw new RangeError(`allowedLatenessMs must be at least ${CURRENT_WINDOW_MS} ms (the current-visitors window)`);
    }
    this.rollups = new Rollups({ clock, retentionMs: options.retentionMs, onWindowJob: options.onWindowJob });
    this.recentEvents = new RecentEvents(clock());
    this.hub = new LiveHub({
      snapshot: (site) => liveSnapshot(site, clock(), this.rollups, this.sessionizer),
      coalesceMs: options.coalesceMs,
      heartbeatMs: options.heartbeatMs,
    });
    this.late = new LateReconciler({
      sessionizer: this.sessionizer, rollups: this.rollups, loadVisitorEvents: options.loadVisitorEvents,
      onApplied: (sites) => {
        this.revision++;
        this.hub.notify(sites);
      },
      onError: options.onError,
    });
  }

  /** Late events waiting for reconciliation (a queue-depth signal for /metrics). */
  get queueDepth(): number {
    return this.late.depth;
  }

  /** Feeds one group of newly stored (deduplicated) events through every stage. */
  process(events: readonly StreamEvent[]): void {
    if (events.length === 0) return;
    this.revision++;
    this.rollups.addEvents(events);
    this.recentEvents.add(events);
    this.receipts.add(events);
    const result = this.sessionizer.ingest(events);
    this.late.noteProcessed(events);
    this.rollups.applySessionChanges(result.changes);
    if (result.late.length > 0) this.late.enqueue(result.late);
    this.hub.notify(new Set(events.map((e) => e.site)));
    const oldest = events.reduce((min, e) => Math.min(min, e.receivedAt ?? Infinity), Infinity);
    this.options.onProcessed?.({
      events: events.length, late: result.late.length, duplicates: result.duplicates, sessionChanges: result.changes.length,
      latencyMs: Number.isFinite(oldest) ? this.options.clock() - oldest : 0,
    });
  }

  /** Housekeeping (every few seconds): closes idle sessions, drops windows past retention and aged-out recent events. */
  tick(): SessionChange[] {
    const closed = this.sessionizer.flush();
    const now = this.options.clock();
    this.rollups.prune();
    this.recentEvents.prune(now);
    this.receipts.prune(now - this.receipts.keepMs - 1000);
    return closed;
  }

  /**
   * Startup from stored events only: `events` = every stored event with ts >= from - 30 min (e.g.
   * from = now - 48 h, the minute-window retention). Rebuilds windows from `from` on and the live state.
   */
  recover(events: StreamEvent[], from: number): void {
    const sessions = sessionsFromEvents(events, this.sessionizer.gapMs).filter((s) => s.start >= from);
    this.rollups.rebuild(from, events.filter((e) => e.ts >= from), sessions);
    this.receipts.add(events.filter((e) => (e.receivedAt ?? -Infinity) >= this.options.clock() - this.receipts.keepMs - 1000));
    const since = from - this.sessionizer.gapMs;
    const horizon = this.liveHorizon();
    const active = new Set(events.filter((e) => e.ts >= horizon).map(visitorKey));
    this.resume(events, since, events.filter((e) => active.has(visitorKey(e))));
  }

  /**
   * Startup, once the windows are restored or rebuilt: the live state from stored events.
   * `recent` = every stored event with ts >= since (since <= liveHorizon()); `ofActive` = every
   * stored event of the visitors seen in `recent` at or after liveHorizon() (their sessions may still grow).
   */
  resume(recent: StreamEvent[], since: number, ofActive: StreamEvent[]): void {
    this.sessionizer.recover(ofActive);
    const now = this.options.clock();
    this.recentEvents = new RecentEvents(since);
    this.recentEvents.add(recent);
    this.recentEvents.prune(now);
  }

  /** Distinct visitors of `site` with their latest event in the last 5 minutes (the live feed's `current`). */
  currentVisitors(site: string): number {
    return currentVisitors(this.sessionizer, site, this.clock());
  }

  /** Event time from which sessions may still change (watermark - gap): resume() needs the stored events since then. */
  liveHorizon(): number {
    return this.sessionizer.watermark() - this.sessionizer.gapMs;
  }

  /** Late events whose session changes are still to be applied (a snapshot carries them). */
  get pendingLateEvents(): StreamEvent[] {
    return this.late.pendingEvents;
  }

  /** The state a restart needs (encode with `encodeSnapshot`); encode it synchronously, it shares the windows. */
  snapshot(): RollupSnapshot {
    const now = this.options.clock();
    return {
      coveredFrom: this.rollups.coveredFrom, minutesFrom: this.rollups.minutesFrom, takenAt: now, ...this.receipts.since(now),
      pendingLate: this.pendingLateEvents, windows: this.rollups.entries(),
    };
  }

  /**
   * The same state fixed at this instant but encoded a slice at a time while events keep arriving
   * (windows about to change are encoded first): run it with `encodeInSlices`, or `cancel()` it.
   */
  captureSnapshot(): SnapshotCapture {
    const { windows, ...header } = this.snapshot();
    return new SnapshotCapture(header, windows, this.rollups);
  }

  /**
   * Raw edge [from, to) of `site` from memory when it holds it exactly: every stored event of the
   * edge is in `recentEvents`, and every session starting in it is still open in the sessionizer
   * (start >= watermark - gap). Null otherwise (load it from the store).
   */
  memoryEdge(site: string, from: number, to: number): { events: StreamEvent[]; sessions: SessionSnapshot[] } | null {
    if (!this.recentEvents.covers(from) || from < this.liveHorizon()) return null;
    const events = this.recentEvents.eventsIn(site, from, to);
    const sessions: SessionSnapshot[] = [];
    for (const visitor of new Set(events.map((e) => e.visitor))) {
      for (const session of this.sessionizer.sessionsOf(site, visitor)) if (session.start >= from && session.start < to) sessions.push(session);
    }
    return { events, sessions };
  }

  /** Resolves when every queued late event has been reconciled (tests, shutdown). */
  idle(): Promise<void> {
    return this.late.idle();
  }

  close(): void {
    this.hub.close();
  }
}

function visitorKey(event: StreamEvent): string {
  return `${event.site}\u0000${event.visitor}`;
}
