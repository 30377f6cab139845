import fc from 'fast-check';
import type { WireBatch, WireEvent } from 'wisp/beacon';

/**
 * Inputs for the bad-input fuzzers: valid batches (beacon or JSON), and mutations of them.
 * `WISP_FUZZ_SCALE` multiplies every run count (`npm run soak` sets it; `npm test` runs scale 1).
 */
export const FUZZ_SCALE = Math.max(1, Number(process.env.WISP_FUZZ_SCALE ?? 1) || 1);

/** Runs for a property at the current scale. */
export const runs = (base: number) => Math.round(base * FUZZ_SCALE);

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const NOW = Date.now();

const compactId = fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: 12, maxLength: 12 });
const looseId = fc.string({ minLength: 1, maxLength: 40 });
const url = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom('https://fuzz.test/', 'https://fuzz.test/a?utm_source=x', '/relative', ''),
  fc.string({ maxLength: 60 }),
);
// -0 is encoded as the integer 0 (harmless for analytics), so it is left out of the round trip.
const propValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v)),
);

/** One event the codec and the collector must accept. */
export const wireEvent: fc.Arbitrary<WireEvent> = fc
  .record({
    id: fc.oneof(compactId, looseId),
    type: fc.constantFrom('pageview', 'event', 'vital', 'error' as const),
    url,
    referrer: fc.oneof(fc.constant(''), url),
    ts: fc.integer({ min: NOW - 3_600_000, max: NOW }),
    name: fc.string({ minLength: 1, maxLength: 30 }),
    // A prop named __proto__ is dropped by both decoders (`props[key] = v` on a plain object): noted, not round-tripped.
    props: fc.dictionary(fc.string({ maxLength: 12 }).filter((key) => key !== '__proto__'), propValue, { maxKeys: 6 }),
    vital: fc.constantFrom('LCP', 'INP', 'CLS', 'FCP', 'TTFB'),
    value: fc.double({ min: 0, max: 10_000, noNaN: true }),
  })
  .map(({ vital, value, ...e }): WireEvent => {
    if (e.type === 'pageview') return { ...e, name: null };
    if (e.type === 'vital') return { ...e, name: vital, props: { ...e.props, value } };
    return e;
  });

/** A batch for the fuzz site (never the canary site, whose counts are checked exactly). */
export const wireBatch: fc.Arbitrary<WireBatch> = fc.record({
  site: fc.constantFrom('fuzz.test', 'a', 'fuzz-2.example.org'),
  sentAt: fc.integer({ min: NOW - 60_000, max: NOW + 60_000 }),
  events: fc.array(wireEvent, { maxLength: 8 }),
});

/** One byte-level edit, positions taken modulo the input length. */
export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'splice'; at: number; remove: number; insert: Uint8Array }
  | { kind: 'huge-varint'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0x3f, 0x7f, 0x80, 0xff) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), remove: fc.nat({ max: 8 }), insert: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({ kind: fc.constant('huge-varint' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 24 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
);

/** Applies the edits in order; every edit keeps the result a valid Uint8Array. */
export function mutate(input: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes: Uint8Array = Uint8Array.from(input);
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % bytes.length;
    switch (m.kind) {
      case 'flip':
        if (bytes.length) bytes[at]! ^= 1 << m.bit;
        break;
      case 'set':
        if (bytes.length) bytes[at] = m.value;
        break;
      case 'truncate':
        bytes = bytes.slice(0, at);
        break;
      case 'splice':
        bytes = concat(bytes.slice(0, at), m.insert, bytes.slice(at + m.remove));
        break;
      case 'huge-varint':
        // 0xff continuation bytes, then a terminator: a varint far beyond 2^53 (or an endless one).
        bytes = concat(bytes.slice(0, at), new Uint8Array(m.length).fill(0xff), Uint8Array.of(0x7f), bytes.slice(at));
        break;
      case 'duplicate':
        bytes = concat(bytes.slice(0, at + m.length), bytes.slice(at, at + m.length), bytes.slice(at + m.length));
        break;
    }
  }
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Replaces one field somewhere in a JSON batch with an arbitrary JSON value (wrong types, nulls, huge numbers...). */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    null, -1, 0, 1e308, -1e308, 2 ** 53 + 1, '', '__proto__', 'constructor', '\u0000', '\ud800', 'x'.repeat(9000),
    { __proto__: { polluted: true } }, [], [[[[[[]]]]]], { toString: 'x' }, 'LCP', 'pageview',
  ),
);

/** Paths into a batch object where a hostile value is planted. */
export const fieldPath = fc.constantFrom(
  ['site'], ['sentAt'], ['events'], ['events', 0], ['events', 0, 'id'], ['events', 0, 'type'], ['events', 0, 'url'],
  ['events', 0, 'referrer'], ['events', 0, 'ts'], ['events', 0, 'name'], ['events', 0, 'props'], ['events', 0, 'props', 'value'],
  ['events', 0, 'props', '__proto__'], ['extra'], ['events', 0, 'extra'],
);

/** Sets `path` in a (cloned) batch to `value`, creating what is missing. */
export function plant(batch: WireBatch, path: readonly (string | number)[], value: unknown): unknown {
  const root = JSON.parse(JSON.stringify(batch)) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = root;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = typeof key === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  Object.defineProperty(node, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

/** A JSON body text: a valid batch with a planted field, mutated text, or random garbage. */
export const jsonBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.tuple(wireBatch, fieldPath, hostileValue).map(([batch, path, value]) => JSON.stringify(plant(batch, path, value))),
  fc.tuple(wireBatch, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([batch, ms]) =>
    mutate(new TextEncoder().encode(JSON.stringify(batch)), ms),
  ),
  wireBatch.map((batch) => JSON.stringify(batch)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }),
  fc.integer({ min: 1, max: 50_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 1, max: 50_000 }).map((depth) => `{"site":"fuzz.test","sentAt":1,"events":[${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}]}`),
);

/** Hostile query-parameter values for /api/stats and /api/live. */
export const queryValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '', '0', '-1', '1e400', 'NaN', 'Infinity', '9007199254740993', '99999999999999999999999', '2026-13-45T99:99:99Z',
    '2026-11-25T00:00:00Z', '1732480000000', 'fuzz.test', 'a'.repeat(300), '%', '%zz', '%00', '../../etc/passwd',
    "' OR 1=1 --", '"; DROP TABLE events; --', 'fuzz.test\r\nx: y', '<script>', '\u0000', '\ud800',
  ),
  fc.integer().map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);

function encodeLoosely(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80'; // a lone surrogate: its raw UTF-8-ish bytes, invalid on purpose
  }
}

/** A query string of hostile pairs; some values are left unencoded on purpose. */
export const queryString: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(fc.oneof(fc.constantFrom('site', 'from', 'to', 'token', 'tz', 'filter', 'page'), fc.string({ maxLength: 8 })), queryValue, fc.boolean()),
    { maxLength: 5 },
  )
  .map((pairs) =>
    pairs.map(([k, v, raw]) => `${encodeLoosely(k)}=${raw ? v.replace(/[#\s&]/g, '').replace(/[\ud800-\udfff]/g, '') : encodeLoosely(v)}`).join('&'),
  );
