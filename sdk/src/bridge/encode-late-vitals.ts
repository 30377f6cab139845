import type { WireEvent } from '../beacon/wire-event.js';
import { writeCompactId } from '../beacon/lib/compact-id.js';
import { zigzag } from '../beacon/lib/varint.js';
import type { LastGaspBeacon } from '../protocol.js';

const utf8 = new TextEncoder();

/**
 * web-vitals reports LCP, CLS and INP when the page hides, too late for the worker to queue them
 * before the page dies. Those events carry nothing personal but the page URL, which the pipeline
 * already scrubbed (`url`), so the main thread encodes them itself: a version-1 beacon
 * (docs/beacon.md) specialised to vitals, without pulling the general encoder or the scrubber in.
 * Split around `sentAt` like the pipeline's last-gasp beacon, so one sender stamps both.
 */
export function encodeLateVitals(site: string, url: string, vitals: WireEvent[]): LastGaspBeacon {
  const out: number[] = [0x57, 1];
  const varint = (value: number) => {
    for (; value >= 128; value = Math.floor(value / 128)) out.push((value % 128) | 128);
    out.push(value);
  };
  const string = (value: string) => {
    const bytes = utf8.encode(value);
    varint(bytes.length);
    out.push(...bytes);
  };
  string(site);
  const head = Uint8Array.from(out.splice(0)); // sentAt goes here
  varint(0); // dropped
  const strings = [url, 'value', ...new Set(vitals.map((vital) => vital.name!))];
  varint(strings.length);
  strings.forEach(string);
  varint(vitals.length);
  let previousTs = 0;
  for (const vital of vitals) {
    out.push(2 | 4 | 16 | 32); // type vital, compact id, has name, has props
    writeCompactId(out, vital.id);
    varint(zigzag(vital.ts - previousTs));
    previousTs = vital.ts;
    varint(0); // url
    varint(strings.indexOf(vital.name!));
    varint(1); // one prop: value (string 1), tag 4 = f64
    varint(1 * 8 + 4);
    out.push(...new Uint8Array(Float64Array.of(Number(vital.props.value)).buffer));
  }
  return { head, tail: Uint8Array.from(out) };
}
