import type { Rollups } from '../rollups/rollups.js';
import { diffSessions } from '../sessions/diff-sessions.js';
import type { Sessionizer } from '../sessions/sessionizer.js';
import { sessionsFromEvents } from '../sessions/sessions-from-events.js';
import type { StreamEvent } from '../sessions/types.js';

export interface LateReconcilerOptions {
  sessionizer: Sessionizer;
  rollups: Rollups;
  /** All stored events of these visitors of `site` (see StreamPipelineOptions.loadVisitorEvents). */
  loadVisitorEvents?: (site: string, visitors: string[]) => Promise<StreamEvent[]>;
  /** After a batch's session changes were applied (live feed notification). */
  onApplied: (sites: Set<string>) => void;
  onError?: (error: unknown) => void;
}

/**
 * Session changes of events older than the watermark, computed against the store in the background.
 * Batches queued while one is being applied are taken together: one store read per site for all of
 * them (a read per batch, one after another, fell behind a steady flow of late events and held every
 * queued batch meanwhile). Applying them together gives the same sessions: the change from "stored
 * without these late events" to "stored" is the sum of the changes batch by batch. Until applied, a
 * batch's events are in the windows but their sessions' changes are not: `pendingEvents` lists them
 * (a snapshot carries them), and they leave the list in the step that applies their changes.
 */
export class LateReconciler {
  private queued: StreamEvent[][] = [];
  private running: Promise<void> | undefined;
  /** Late events (by `site \0 id`) queued, whose session changes are not applied yet. */
  private readonly pending = new Map<string, StreamEvent>();
  /** Visitors (`site \0 visitor`) whose stored events are being read, and their events processed meanwhile. */
  private watching: Set<string> | undefined;
  private processedMeanwhile: StreamEvent[] = [];

  constructor(private readonly options: LateReconcilerOptions) {}

  get depth(): number {
    return this.pending.size;
  }

  get pendingEvents(): StreamEvent[] {
    return [...this.pending.values()];
  }

  /** Resolves when every queued batch has been applied (or failed). */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  enqueue(late: StreamEvent[]): void {
    for (const event of late) this.pending.set(idKey(event), event);
    this.queued.push(late);
    // Started after the caller's step (a microtask later), as the store read must see this step's events.
    this.running ??= Promise.resolve()
      .then(() => this.drain())
      .finally(() => {
        this.running = undefined;
      });
  }

  /**
   * Every group the sessionizer took (the pipeline calls this right after `ingest`). A store read for
   * some visitors can miss their events processed while it runs, yet the sessionizer has them: they
   * are added to what the read returned, or the reconciliation would reset those visitors to a state
   * without them (their session counted again by the next event).
   */
  noteProcessed(events: readonly StreamEvent[]): void {
    const watching = this.watching;
    if (!watching) return;
    for (const event of events) if (watching.has(visitorKey(event.site, event.visitor))) this.processedMeanwhile.push(event);
  }

  private async drain(): Promise<void> {
    while (this.queued.length > 0) {
      const batches = this.queued;
      this.queued = [];
      const late = [...new Map(batches.flat().map((event) => [idKey(event), event])).values()];
      const mine = new Set(late.map(idKey));
      try {
        await this.apply(batches, late, mine);
      } catch (error) {
        this.options.onError?.(error);
      } finally {
        for (const key of mine) this.pending.delete(key);
      }
    }
  }

  private async apply(batches: StreamEvent[][], late: StreamEvent[], mine: Set<string>): Promise<void> {
    const { sessionizer, rollups } = this.options;
    const load = this.options.loadVisitorEvents;
    if (!load) {
      // Without the store each batch opens sessions of its own, as it did when it came alone.
      for (const batch of batches) rollups.applySessionChanges(diffSessions([], sessionsFromEvents(batch, sessionizer.gapMs)));
      return;
    }
    for (const [site, ofSite] of groupBy(late, (e) => e.site)) {
      const visitors = [...new Set(ofSite.map((e) => e.visitor))];
      this.watching = new Set(visitors.map((visitor) => visitorKey(site, visitor)));
      let read: StreamEvent[];
      let meanwhile: StreamEvent[];
      try {
        read = await load(site, visitors);
      } finally {
        meanwhile = this.processedMeanwhile;
        this.watching = undefined;
        this.processedMeanwhile = [];
      }
      const stored = new Map(read.map((e) => [idKey(e), e]));
      for (const event of meanwhile) if (!stored.has(idKey(event))) stored.set(idKey(event), event);
      // Late events queued after these were taken are stored but not yet applied: leave them out.
      const applied = [...stored.values()].filter((e) => !this.pending.has(idKey(e)) || mine.has(idKey(e)));
      rollups.applySessionChanges(sessionizer.reconcile(applied, ofSite));
      for (const event of ofSite) this.pending.delete(idKey(event));
    }
    this.options.onApplied(new Set(late.map((e) => e.site)));
  }
}

function visitorKey(site: string, visitor: string): string {
  return `${site}\u0000${visitor}`;
}

function idKey(event: StreamEvent): string {
  return `${event.site}\u0000${event.id}`;
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
