import { fingerprint53 } from '../sessions/fingerprint.js';
import type { StreamEvent } from '../sessions/types.js';

/** Fingerprint of a stored event's (site, id), as a snapshot lists the events it holds. */
export function receiptFingerprint(event: Pick<StreamEvent, 'site' | 'id'>): number {
  return fingerprint53(`${event.site}\u0000${event.id}`);
}

/**
 * Which events the stream stages processed among those received in the last `keepMs`, by receipt
 * second. A snapshot taken at T lists them with `replayFrom` = T - keepMs, so a restart replays
 * exactly the stored events received since then that the snapshot does not hold (committed after
 * it). An event whose receipt -> processing took longer than keepMs before a crash is the one
 * case missed (the 202 waits for the commit, which is well under a second when healthy).
 */
export class ReceiptLog {
  private readonly seconds = new Map<number, number[]>();

  constructor(readonly keepMs = 60_000) {}

  add(events: Iterable<StreamEvent>): void {
    for (const event of events) {
      if (event.receivedAt === undefined) continue;
      const second = Math.floor(event.receivedAt / 1000);
      const list = this.seconds.get(second);
      if (list) list.push(receiptFingerprint(event));
      else this.seconds.set(second, [receiptFingerprint(event)]);
    }
  }

  /** `replayFrom` for a snapshot taken now, and the fingerprints of events received since then. */
  since(now: number): { replayFrom: number; ids: number[] } {
    const replayFrom = Math.floor((now - this.keepMs) / 1000) * 1000;
    this.prune(replayFrom);
    return { replayFrom, ids: [...this.seconds.values()].flat() };
  }

  /** Forgets seconds before `from` (call periodically). */
  prune(from: number): void {
    for (const second of this.seconds.keys()) if (second * 1000 < from) this.seconds.delete(second);
  }
}
