import { BeaconError } from './beacon-error.js';
import { BEACON_LIMITS, BEACON_MAGIC, BEACON_VERSION, EVENT_TYPES, HeaderBit, ValueTag } from './beacon-format.js';
import { isCompactId, writeCompactId } from './lib/compact-id.js';
import { zigzag } from './lib/varint.js';
import type { WireBatch, WireEvent } from './wire-event.js';

/** Times beyond 2^50 ms (year ~37,000) are certainly bugs, and keep deltas safe integers. */
const MAX_TIME_MS = 2 ** 50;
const utf8 = new TextEncoder();

/**
 * Encodes a batch into the compact binary beacon described in docs/beacon.md: a string table
 * (every URL, referrer, name, prop key and string value once) followed by events that point into
 * it with varints, times as deltas (the first event's from 0, so `sentAt` can be re-stamped alone).
 * Throws `BeaconError` when the batch breaks a limit or holds a value the format cannot carry.
 */
export function encodeBeacon(batch: WireBatch): Uint8Array {
  const { events } = batch;
  if (events.length > BEACON_LIMITS.maxEvents) throw new BeaconError('limit', `${events.length} events > ${BEACON_LIMITS.maxEvents}`);
  const table = new Map<string, number>();
  const intern = (value: string) => table.has(value) || table.set(value, table.size);
  for (const event of events) {
    intern(event.url);
    if (event.referrer) intern(event.referrer);
    if (event.name != null) intern(event.name);
    for (const [key, value] of Object.entries(event.props)) {
      intern(key);
      if (typeof value === 'string') intern(value);
    }
  }
  if (table.size > BEACON_LIMITS.maxStrings) throw new BeaconError('limit', `${table.size} strings > ${BEACON_LIMITS.maxStrings}`);

  const out: number[] = [BEACON_MAGIC, BEACON_VERSION];
  const varint = (value: number) => {
    for (; value >= 128; value = Math.floor(value / 128)) out.push((value % 128) | 128);
    out.push(value);
  };
  const string = (value: string, what: string) => {
    if (typeof value !== 'string') throw new BeaconError('bad-value', `${what} not a string`);
    const bytes = utf8.encode(value);
    if (bytes.length > BEACON_LIMITS.maxStringBytes) throw new BeaconError('limit', `${what} ${bytes.length} bytes > ${BEACON_LIMITS.maxStringBytes}`);
    varint(bytes.length);
    for (const byte of bytes) out.push(byte);
  };

  string(batch.site, 'site');
  varint(checkTime(batch.sentAt, 'sentAt'));
  const dropped = batch.dropped ?? 0;
  if (!Number.isSafeInteger(dropped) || dropped < 0) throw new BeaconError('bad-value', `dropped ${dropped}`);
  varint(dropped);
  varint(table.size);
  for (const value of table.keys()) string(value, 'string');
  varint(events.length);
  let previousTs = 0;
  for (const event of events) {
    const props = eventHeader(event, out);
    if (isCompactId(event.id)) writeCompactId(out, event.id);
    else string(event.id, 'id');
    varint(zigzag(checkTime(event.ts, 'ts') - previousTs));
    previousTs = event.ts;
    varint(table.get(event.url)!);
    if (event.referrer) varint(table.get(event.referrer)!);
    if (event.name != null) varint(table.get(event.name)!);
    if (!props.length) continue;
    varint(props.length);
    for (const [key, value] of props) {
      const keyBits = table.get(key)! * 8;
      if (typeof value === 'string') {
        varint(keyBits + ValueTag.String);
        varint(table.get(value)!);
      } else if (typeof value === 'boolean') {
        varint(keyBits + (value ? ValueTag.True : ValueTag.False));
      } else if (Number.isSafeInteger(value) && Math.abs(value) < 2 ** 52) { // zigzag stays a safe integer; larger ones go as f64
        varint(keyBits + ValueTag.Int);
        varint(zigzag(value));
      } else if (Number.isFinite(value)) {
        varint(keyBits + ValueTag.Float);
        out.push(...new Uint8Array(Float64Array.of(value).buffer)); // little-endian on every engine we run on
      } else {
        throw new BeaconError('bad-value', `prop value ${value}`);
      }
    }
  }
  if (out.length > BEACON_LIMITS.maxBeaconBytes) throw new BeaconError('limit', `${out.length} bytes > ${BEACON_LIMITS.maxBeaconBytes}`);
  return Uint8Array.from(out);
}

/** Writes the header byte; returns the props (checked against the limit). */
function eventHeader(event: WireEvent, out: number[]): Array<[string, WireEvent['props'][string]]> {
  const type = EVENT_TYPES.indexOf(event.type);
  if (type < 0) throw new BeaconError('bad-type', `unknown event type ${event.type}`);
  const props = Object.entries(event.props);
  if (props.length > BEACON_LIMITS.maxProps) throw new BeaconError('limit', `${props.length} props > ${BEACON_LIMITS.maxProps}`);
  out.push(
    type |
      (isCompactId(event.id) ? HeaderBit.CompactId : 0) |
      (event.referrer ? HeaderBit.HasReferrer : 0) |
      (event.name != null ? HeaderBit.HasName : 0) |
      (props.length ? HeaderBit.HasProps : 0),
  );
  return props;
}

function checkTime(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_TIME_MS) {
    throw new BeaconError('bad-value', `${what} must be an integer epoch-ms time: ${value}`);
  }
  return value;
}
