import { sessionKey, type SessionChange, type SessionSnapshot } from './types.js';

/**
 * Changes that turn the session set `before` into `after` (matched by session key): retractions
 * first, then updates and opens. Applying them to aggregates built from `before` gives `after`.
 */
export function diffSessions(before: SessionSnapshot[], after: SessionSnapshot[]): SessionChange[] {
  const beforeByKey = new Map(before.map((s) => [sessionKey(s), s]));
  const afterKeys = new Set(after.map(sessionKey));
  const changes: SessionChange[] = [];
  for (const [key, session] of beforeByKey) {
    if (!afterKeys.has(key)) changes.push({ kind: 'retract', session });
  }
  for (const session of after) {
    const previous = beforeByKey.get(sessionKey(session));
    if (!previous) changes.push({ kind: 'open', session });
    else if (!sameSession(previous, session)) changes.push({ kind: 'update', session, previous });
  }
  return changes;
}

export function sameSession(a: SessionSnapshot, b: SessionSnapshot): boolean {
  return a.start === b.start && a.end === b.end && a.entry === b.entry && a.exit === b.exit &&
    a.pageviews === b.pageviews && a.events === b.events && a.site === b.site && a.visitor === b.visitor;
}
