import fc from 'fast-check';
import { sessionKey, type SessionChange, type SessionSnapshot, type StreamEvent } from '../../../collector/src/sessions/index.js';

export const T0 = Date.UTC(2026, 10, 25, 12);
const MIN = 60_000;

/** Random event logs: few sites/visitors, times clustered so gaps near 30 min are common. */
export const eventLog = fc
  .array(
    fc.record({
      site: fc.constantFrom('a.com', 'b.org'),
      visitor: fc.constantFrom('v1', 'v2', 'v3'),
      type: fc.constantFrom('pageview', 'pageview', 'event', 'vital', 'error'),
      path: fc.constantFrom('/', '/a', '/b'),
      minute: fc.integer({ min: 0, max: 240 }),
      jitter: fc.constantFrom(0, 0, 1, 29_999, 59_999),
    }),
    { minLength: 1, maxLength: 60 },
  )
  .map((rows) =>
    rows.map((r, i): StreamEvent => ({
      site: r.site, visitor: r.visitor, id: `e${i}`, type: r.type as StreamEvent['type'], path: r.path,
      ts: T0 + r.minute * MIN + r.jitter, name: r.type === 'pageview' ? null : 'x',
    })),
  );

/** The log shuffled, with some events repeated (at-least-once delivery). */
export function arrivals(log: StreamEvent[]) {
  return fc
    .tuple(fc.shuffledSubarray(log, { minLength: log.length, maxLength: log.length }), fc.array(fc.nat(log.length - 1), { maxLength: 10 }))
    .map(([shuffled, dupes]) => {
      const out = [...shuffled];
      for (const i of dupes) out.splice((i * 7) % (out.length + 1), 0, log[i]!);
      return out;
    });
}

/** Replays a change stream into the set of sessions it describes. */
export class AppliedSessions {
  readonly sessions = new Map<string, SessionSnapshot>();
  apply(changes: SessionChange[]): void {
    for (const change of changes) {
      if (change.kind === 'open') this.put(change.session);
      else if (change.kind === 'update') {
        this.remove(change.previous);
        this.put(change.session);
      } else if (change.kind === 'retract') this.remove(change.session);
    }
  }
  sorted(): SessionSnapshot[] {
    return [...this.sessions.values()].sort(bySessionKey);
  }
  private put(s: SessionSnapshot): void {
    if (this.sessions.has(sessionKey(s))) throw new Error(`double open ${sessionKey(s)}`);
    this.sessions.set(sessionKey(s), s);
  }
  private remove(s: SessionSnapshot): void {
    const cur = this.sessions.get(sessionKey(s));
    if (!cur) throw new Error(`retract of unknown ${sessionKey(s)}`);
    if (JSON.stringify(cur) !== JSON.stringify(s)) throw new Error(`retract of a stale version ${sessionKey(s)}`);
    this.sessions.delete(sessionKey(s));
  }
}

export function bySessionKey(a: SessionSnapshot, b: SessionSnapshot): number {
  return a.site < b.site ? -1 : a.site > b.site ? 1 : a.visitor < b.visitor ? -1 : a.visitor > b.visitor ? 1 : a.start - b.start;
}
