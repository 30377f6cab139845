import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { Sessionizer, type StreamEvent } from '../../../collector/src/sessions/index.js';
import { T0 } from './session-helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function usedBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

it('holds <= 100 bytes per active visitor at 100,000 visitors (3 events each; typed visitor index, hashes as two uint32, no id per event)', () => {
  const visitors = 100_000;
  const before = usedBytes();
  const sz = new Sessionizer({ clock: () => T0 + 60_000 });
  for (let chunk = 0; chunk < visitors; chunk += 5000) {
    const batch: StreamEvent[] = [];
    for (let i = chunk; i < chunk + 5000; i++) {
      // A realistic visitor hash: a 64-bit SipHash value in hex, as fromStoredEvent writes it.
      const visitor = BigInt.asUintN(64, 0x1000000000000000n + 0x9e3779b97f4a7n * BigInt(i)).toString(16);
      for (let k = 0; k < 3; k++) {
        batch.push({
          site: 'example.com', visitor, id: `${visitor}-${k}-abcdefgh`, type: k === 2 ? 'event' : 'pageview',
          path: `/page/${(i + k) % 50}`, ts: T0 + k * 20_000, name: k === 2 ? 'signup' : null,
        });
      }
    }
    sz.ingest(batch);
  }
  const bytesPerVisitor = (usedBytes() - before) / visitors;
  console.log(`sessionizer: ${bytesPerVisitor.toFixed(1)} bytes per active visitor (${sz.activeVisitors} visitors)`);
  expect(sz.activeVisitors).toBe(visitors);
  expect(bytesPerVisitor).toBeLessThanOrEqual(100);
});
