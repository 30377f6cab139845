import { Rollups, type RollupsOptions } from '../rollups/rollups.js';
import { diffSessions } from '../sessions/diff-sessions.js';
import { Sessionizer } from '../sessions/sessionizer.js';
import { sessionsFromEvents } from '../sessions/sessions-from-events.js';
import type { Clock, SessionChange, StreamEvent } from '../sessions/types.js';
import { LiveHub } from './live-hub.js';
import { liveSnapshot } from './live-snapshot.js';
import { RecentVisitors } from './recent-visitors.js';

export interface StreamPipelineOptions {
  clock: Clock;
  /**
   * All stored events of these visitors of `site` (any event time). Makes events older than the
   * watermark exact; without it they open sessions of their own (may count a session twice).
   */
  loadVisitorEvents?: (site: string, visitors: string[]) => Promise<StreamEvent[]>;
  allowedLatenessMs?: number;
  retentionMs?: RollupsOptions['retentionMs'];
  coalesceMs?: number;
  heartbeatMs?: number;
  /** After each `process` (metrics: latency = clock() - oldest receivedAt of the batch). */
  onProcessed?: (info: ProcessedInfo) => void;
  /** Failures of background late-event reconciliation (e.g. the store query). */
  onError?: (error: unknown) => void;
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
  readonly sessionizer: Sessionizer;
  readonly rollups: Rollups;
  readonly recent = new RecentVisitors();
  readonly hub: LiveHub;
  private readonly options: StreamPipelineOptions;
  private lateChain: Promise<void> = Promise.resolve();
  /** `site \0 id` of late events queued for reconciliation, not yet applied. */
  private readonly pendingLate = new Set<string>();

  constructor(options: StreamPipelineOptions) {
    this.options = options;
    const { clock } = options;
    this.sessionizer = new Sessionizer({ clock, allowedLatenessMs: options.allowedLatenessMs });
    this.rollups = new Rollups({ clock, retentionMs: options.retentionMs });
    this.hub = new LiveHub({
      snapshot: (site) => liveSnapshot(site, clock(), this.rollups, this.recent),
      coalesceMs: options.coalesceMs,
      heartbeatMs: options.heartbeatMs,
    });
  }

  /** Late events waiting for reconciliation (a queue-depth signal for /metrics). */
  get queueDepth(): number {
    return this.pendingLate.size;
  }

  /** Feeds one group of newly stored (deduplicated) events through every stage. */
  process(events: readonly StreamEvent[]): void {
    if (events.length === 0) return;
    this.rollups.addEvents(events);
    this.recent.add(events);
    const result = this.sessionizer.ingest(events);
    this.rollups.applySessionChanges(result.changes);
    if (result.late.length > 0) this.reconcileLate(result.late);
    this.hub.notify(new Set(events.map((e) => e.site)));
    const oldest = events.reduce((min, e) => Math.min(min, e.receivedAt ?? Infinity), Infinity);
    this.options.onProcessed?.({
      events: events.length, late: result.late.length, duplicates: result.duplicates, sessionChanges: result.changes.length,
      latencyMs: Number.isFinite(oldest) ? this.options.clock() - oldest : 0,
    });
  }

  /** Housekeeping (every few seconds): closes idle sessions, drops windows past retention and aged-out visitors. */
  tick(): SessionChange[] {
    const closed = this.sessionizer.flush();
    this.rollups.prune();
    this.recent.prune(this.options.clock());
    return closed;
  }

  /**
   * Startup: `events` = every stored event with ts >= from - 30 min (e.g. from = now - 48 h, the
   * minute-window retention). Rebuilds windows from `from` on and the sessionizer's active visitors.
   */
  recover(events: StreamEvent[], from: number): void {
    const sessions = sessionsFromEvents(events, this.sessionizer.gapMs).filter((s) => s.start >= from);
    this.rollups.rebuild(from, events.filter((e) => e.ts >= from), sessions);
    const horizon = this.sessionizer.watermark() - this.sessionizer.gapMs;
    const active = new Set(events.filter((e) => e.ts >= horizon).map(visitorKey));
    this.sessionizer.recover(events.filter((e) => active.has(visitorKey(e))));
    this.recent.add(events.filter((e) => e.ts >= this.options.clock() - 5 * 60_000));
  }

  /** Resolves when every queued late event has been reconciled (tests, shutdown). */
  idle(): Promise<void> {
    return this.lateChain;
  }

  close(): void {
    this.hub.close();
  }

  private reconcileLate(late: StreamEvent[]): void {
    const mine = new Set(late.map(idKey));
    for (const key of mine) this.pendingLate.add(key);
    this.lateChain = this.lateChain
      .then(async () => {
        const load = this.options.loadVisitorEvents;
        if (!load) {
          this.rollups.applySessionChanges(diffSessions([], sessionsFromEvents(late, this.sessionizer.gapMs)));
          return;
        }
        for (const [site, ofSite] of groupBy(late, (e) => e.site)) {
          const stored = await load(site, [...new Set(ofSite.map((e) => e.visitor))]);
          // Late events queued behind this one are stored but not yet applied: leave them out.
          const applied = stored.filter((e) => !this.pendingLate.has(idKey(e)) || mine.has(idKey(e)));
          this.rollups.applySessionChanges(this.sessionizer.reconcile(applied, ofSite));
        }
        this.hub.notify(new Set(late.map((e) => e.site)));
      })
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        for (const key of mine) this.pendingLate.delete(key);
      });
  }
}

function idKey(event: StreamEvent): string {
  return `${event.site}\u0000${event.id}`;
}

function visitorKey(event: StreamEvent): string {
  return `${event.site}\u0000${event.visitor}`;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
