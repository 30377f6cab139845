import { fingerprint53 } from '../sessions/fingerprint.js';
import { releaseArray } from '../memory/release-array.js';
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
  private readonly seconds = new Map<number, SecondReceipts>();

  constructor(readonly keepMs = 60_000) {}

  add(events: Iterable<StreamEvent>): void {
    let second = NaN;
    let receipts: SecondReceipts | undefined;
    for (const event of events) {
      if (event.receivedAt === undefined) continue;
      const at = Math.floor(event.receivedAt / 1000);
      if (at !== second) {
        second = at;
        receipts = this.seconds.get(second);
        if (!receipts) this.seconds.set(second, (receipts = new SecondReceipts()));
      }
      receipts!.push(receiptFingerprint(event));
    }
  }

  /** `replayFrom` for a snapshot taken now, and the fingerprints of events received since then. */
  since(now: number): { replayFrom: number; ids: number[] } {
    const replayFrom = Math.floor((now - this.keepMs) / 1000) * 1000;
    this.prune(replayFrom);
    const ids: number[] = [];
    for (const receipts of this.seconds.values()) for (let i = 0; i < receipts.length; i++) ids.push(receipts.values[i]!);
    return { replayFrom, ids };
  }

  /** Forgets seconds before `from` (call periodically). */
  prune(from: number): void {
    for (const [second, receipts] of this.seconds) {
      if (second * 1000 >= from) continue;
      releaseArray(receipts.values);
      this.seconds.delete(second);
    }
  }
}

/**
 * One second's fingerprints in a typed array grown by doubling. They are kept a minute, long enough to
 * reach V8's old generation: as growing JS arrays (8 bytes a fingerprint plus copies) they were ~15% of
 * what the collector promoted at 50k events/s; typed arrays live outside the heap and are freed when dropped.
 */
class SecondReceipts {
  values = new Float64Array(64);
  length = 0;

  push(fingerprint: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.length * 2);
      grown.set(this.values);
      releaseArray(this.values);
      this.values = grown;
    }
    this.values[this.length++] = fingerprint;
  }
}
