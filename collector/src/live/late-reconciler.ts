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
 * Session changes of events older than the watermark, computed against the store in the background,
 * one batch after another. Until applied, a batch's events are in the windows but their sessions'
 * changes are not: `pendingEvents` lists them (a snapshot carries them), and a batch leaves the list
 * in the same step that applies its changes.
 */
export class LateReconciler {
  private chain: Promise<void> = Promise.resolve();
  /** Late events (by `site \0 id`) queued, whose session changes are not applied yet. */
  private readonly pending = new Map<string, StreamEvent>();

  constructor(private readonly options: LateReconcilerOptions) {}

  get depth(): number {
    return this.pending.size;
  }

  get pendingEvents(): StreamEvent[] {
    return [...this.pending.values()];
  }

  /** Resolves when every queued batch has been applied (or failed). */
  idle(): Promise<void> {
    return this.chain;
  }

  enqueue(late: StreamEvent[]): void {
    const { sessionizer, rollups } = this.options;
    const mine = new Set(late.map(idKey));
    for (const event of late) this.pending.set(idKey(event), event);
    this.chain = this.chain
      .then(async () => {
        const load = this.options.loadVisitorEvents;
        if (!load) {
          rollups.applySessionChanges(diffSessions([], sessionsFromEvents(late, sessionizer.gapMs)));
          return;
        }
        for (const [site, ofSite] of groupBy(late, (e) => e.site)) {
          const stored = await load(site, [...new Set(ofSite.map((e) => e.visitor))]);
          // Late events queued behind this one are stored but not yet applied: leave them out.
          const applied = stored.filter((e) => !this.pending.has(idKey(e)) || mine.has(idKey(e)));
          rollups.applySessionChanges(sessionizer.reconcile(applied, ofSite));
          for (const event of ofSite) this.pending.delete(idKey(event));
        }
        this.options.onApplied(new Set(late.map((e) => e.site)));
      })
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        for (const key of mine) this.pending.delete(key);
      });
  }
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
