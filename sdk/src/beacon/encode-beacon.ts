import { BeaconError } from './beacon-error.js';
import { BEACON_LIMITS, BEACON_MAGIC, BEACON_VERSION, EVENT_TYPES, HeaderBit, ValueTag } from './beacon-format.js';
import { ByteWriter } from './lib/byte-writer.js';
import { COMPACT_ID_BYTES, isCompactId, writeCompactId } from './lib/compact-id.js';
import { zigzag } from './lib/varint.js';
import type { WireBatch, WireEvent } from './wire-event.js';

/** Times beyond 2^50 ms (year ~37,000) are certainly bugs, and keep deltas safe integers. */
const MAX_TIME_MS = 2 ** 50;

/**
 * Encodes a batch into the compact binary beacon described in docs/beacon.md: a string table
 * (every URL, referrer, name, prop key and string value once) followed by events that point into
 * it with varints, times as deltas. Throws `BeaconError` when the batch breaks a limit.
 */
export function encodeBeacon(batch: WireBatch): Uint8Array {
  const { events } = batch;
  if (events.length > BEACON_LIMITS.maxEvents) {
    throw new BeaconError('limit', `${events.length} events, at most ${BEACON_LIMITS.maxEvents} per beacon`);
  }
  const table = new Map<string, number>();
  const intern = (value: string) => {
    if (!table.has(value)) table.set(value, table.size);
  };
  for (const event of events) {
    intern(event.url);
    if (event.referrer) intern(event.referrer);
    if (event.name != null) intern(event.name);
    for (const [key, value] of Object.entries(event.props)) {
      intern(key);
      if (typeof value === 'string') intern(value);
    }
  }
  if (table.size > BEACON_LIMITS.maxStrings) {
    throw new BeaconError('limit', `${table.size} distinct strings, at most ${BEACON_LIMITS.maxStrings}`);
  }

  const out = new ByteWriter();
  out.byte(BEACON_MAGIC);
  out.byte(BEACON_VERSION);
  checkedString(out, batch.site, 'site');
  out.varint(checkTime(batch.sentAt, 'sentAt'));
  out.varint(checkCount(batch.dropped ?? 0));
  out.varint(table.size);
  for (const value of table.keys()) checkedString(out, value, 'string');
  out.varint(events.length);
  let previousTs = batch.sentAt;
  for (const event of events) {
    writeEvent(out, event, table, previousTs);
    previousTs = event.ts;
  }
  if (out.length > BEACON_LIMITS.maxBeaconBytes) {
    throw new BeaconError('limit', `beacon is ${out.length} bytes, at most ${BEACON_LIMITS.maxBeaconBytes}`);
  }
  return out.result();
}

function writeEvent(out: ByteWriter, event: WireEvent, table: Map<string, number>, previousTs: number): void {
  const type = EVENT_TYPES.indexOf(event.type);
  if (type < 0) throw new BeaconError('bad-type', `unknown event type ${JSON.stringify(event.type)}`);
  const props = Object.entries(event.props);
  if (props.length > BEACON_LIMITS.maxProps) {
    throw new BeaconError('limit', `event ${event.id} has ${props.length} props, at most ${BEACON_LIMITS.maxProps}`);
  }
  const compact = isCompactId(event.id);
  const header =
    type |
    (compact ? HeaderBit.CompactId : 0) |
    (event.referrer ? HeaderBit.HasReferrer : 0) |
    (event.name != null ? HeaderBit.HasName : 0) |
    (props.length ? HeaderBit.HasProps : 0);
  out.byte(header);
  if (compact) writeCompactId(out.bytes, out.claim(COMPACT_ID_BYTES), event.id);
  else checkedString(out, event.id, 'id');
  out.varint(zigzag(checkTime(event.ts, 'ts') - previousTs));
  out.varint(table.get(event.url)!);
  if (event.referrer) out.varint(table.get(event.referrer)!);
  if (event.name != null) out.varint(table.get(event.name)!);
  if (!props.length) return;
  out.varint(props.length);
  for (const [key, value] of props) writeProp(out, table.get(key)! * 8, value, table);
}

function writeProp(out: ByteWriter, keyBits: number, value: unknown, table: Map<string, number>): void {
  if (typeof value === 'string') {
    out.varint(keyBits + ValueTag.String);
    out.varint(table.get(value)!);
  } else if (typeof value === 'boolean') {
    out.varint(keyBits + (value ? ValueTag.True : ValueTag.False));
  } else if (typeof value === 'number' && Number.isSafeInteger(value)) {
    out.varint(keyBits + ValueTag.Int);
    out.varint(zigzag(value));
  } else if (typeof value === 'number' && Number.isFinite(value)) {
    out.varint(keyBits + ValueTag.Float);
    out.float64(value);
  } else {
    throw new BeaconError('bad-value', `prop values must be strings, booleans or finite numbers, got ${String(value)}`);
  }
}

function checkedString(out: ByteWriter, value: string, what: string): void {
  if (typeof value !== 'string') throw new BeaconError('bad-value', `${what} must be a string`);
  const length = out.string(value);
  if (length > BEACON_LIMITS.maxStringBytes) {
    throw new BeaconError('limit', `${what} is ${length} bytes, at most ${BEACON_LIMITS.maxStringBytes}`);
  }
}

function checkTime(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_TIME_MS) {
    throw new BeaconError('bad-value', `${what} must be an integer epoch-ms time, got ${value}`);
  }
  return value;
}

function checkCount(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new BeaconError('bad-value', `dropped must be a count, got ${value}`);
  return value;
}
