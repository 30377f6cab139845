import { BeaconError } from './beacon-error.js';
import { BEACON_LIMITS, BEACON_MAGIC, BEACON_VERSION, EVENT_TYPES, HeaderBit, ValueTag } from './beacon-format.js';
import { ByteReader } from './lib/byte-reader.js';
import { COMPACT_ID_BYTES, readCompactId } from './lib/compact-id.js';
import { unzigzag } from './lib/varint.js';
import type { WireBatch, WireEvent } from './wire-event.js';

/**
 * Decodes a beacon made by `encodeBeacon` (uncompressed; gunzip first when it starts with 1f 8b).
 * Throws `BeaconError` with a code (`truncated`, `bad-version`, `bad-varint`, `limit`, ...) and a
 * message saying where: the collector answers 400 with both.
 */
export function decodeBeacon(bytes: Uint8Array): WireBatch {
  if (bytes.length > BEACON_LIMITS.maxBeaconBytes) {
    throw new BeaconError('limit', `beacon is ${bytes.length} bytes, at most ${BEACON_LIMITS.maxBeaconBytes}`);
  }
  const input = new ByteReader(bytes);
  const magic = input.byte('magic');
  if (magic !== BEACON_MAGIC) {
    const hint = magic === 0x1f ? ' (gzip: gunzip it first)' : magic === 0x7b ? ' (JSON: use /api/events)' : '';
    throw new BeaconError('bad-magic', `first byte is 0x${magic.toString(16).padStart(2, '0')}, expected 0x57${hint}`);
  }
  const version = input.byte('version');
  if (version !== BEACON_VERSION) {
    throw new BeaconError('bad-version', `version ${version} is not supported (this decoder reads ${BEACON_VERSION})`);
  }
  const site = input.string('site', BEACON_LIMITS.maxStringBytes);
  const sentAt = input.varint('sentAt');
  const dropped = input.varint('dropped');
  const stringCount = input.bounded('string count', BEACON_LIMITS.maxStrings);
  const strings: string[] = [];
  for (let i = 0; i < stringCount; i++) strings.push(input.string(`string ${i}`, BEACON_LIMITS.maxStringBytes));
  const eventCount = input.bounded('event count', BEACON_LIMITS.maxEvents);
  const events: WireEvent[] = [];
  let previousTs = 0;
  for (let i = 0; i < eventCount; i++) {
    const event = readEvent(input, strings, previousTs, i);
    previousTs = event.ts;
    events.push(event);
  }
  if (input.remaining) throw new BeaconError('trailing-bytes', `${input.remaining} byte(s) after the last event`);
  const batch: WireBatch = { site, sentAt, events };
  if (dropped) batch.dropped = dropped;
  return batch;
}

function readEvent(input: ByteReader, strings: string[], previousTs: number, index: number): WireEvent {
  const where = `event ${index}`;
  const header = input.byte(`${where} header`);
  if (header >= 64) throw new BeaconError('bad-type', `${where}: unknown header bits 0x${header.toString(16)}`);
  const str = (what: string) => strings[input.bounded(`${where} ${what}`, strings.length - 1, 'bad-index')]!;
  const id =
    header & HeaderBit.CompactId
      ? readCompactId(input.take(COMPACT_ID_BYTES, `${where} id`), 0)
      : input.string(`${where} id`, BEACON_LIMITS.maxStringBytes);
  const ts = previousTs + unzigzag(input.varint(`${where} ts`));
  if (ts < 0 || !Number.isSafeInteger(ts)) throw new BeaconError('bad-value', `${where}: negative or unsafe time`);
  const url = str('url');
  const referrer = header & HeaderBit.HasReferrer ? str('referrer') : '';
  const name = header & HeaderBit.HasName ? str('name') : null;
  const props: WireEvent['props'] = {};
  if (header & HeaderBit.HasProps) {
    const count = input.bounded(`${where} prop count`, BEACON_LIMITS.maxProps);
    for (let p = 0; p < count; p++) {
      const head = input.varint(`${where} prop ${p}`);
      const tag = head % 8;
      const keyIndex = (head - tag) / 8;
      if (keyIndex >= strings.length) throw new BeaconError('bad-index', `${where} prop ${p}: key index ${keyIndex} out of range`);
      props[strings[keyIndex]!] = readValue(input, tag, strings, `${where} prop ${p}`);
    }
  }
  return { id, type: EVENT_TYPES[header & 3]!, url, referrer, ts, name, props };
}

function readValue(input: ByteReader, tag: number, strings: string[], where: string): string | number | boolean {
  switch (tag) {
    case ValueTag.String:
      return strings[input.bounded(where, strings.length - 1, 'bad-index')]!;
    case ValueTag.False:
      return false;
    case ValueTag.True:
      return true;
    case ValueTag.Int:
      return unzigzag(input.varint(where));
    case ValueTag.Float: {
      const value = input.float64(where);
      if (!Number.isFinite(value)) throw new BeaconError('bad-value', `${where}: NaN or infinite number`);
      return value;
    }
    default:
      throw new BeaconError('bad-value', `${where}: unknown value tag ${tag}`);
  }
}
