import { METHODS as PARSED_METHODS, request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { encodeBeacon } from 'wisp/beacon';
import type { CollectorProcess } from '../support/collector-process.js';
import { event, getStats, postBatch, type TestEvent } from '../support/collector-fixtures.js';
import { jsonBody, mutate, mutation, queryString, wireBatch } from './fuzz-inputs.js';

/** The site whose good events are sent between fuzz inputs and must be counted exactly. */
export const CANARY_SITE = 'canary.test';

/** One request as sent, to be sent again by `replay` (same bytes, same headers). */
export type SentRequest =
  | { via: 'fetch'; what: string; path: string; init: RequestInit }
  | { via: 'get'; what: string; path: string; headers: Record<string, string> }
  | { via: 'raw'; what: string; method: string; path: string; headers: Record<string, string>; body?: Uint8Array; chunked: boolean };

export interface FuzzTally {
  inputs: number;
  byStatus: Record<string, number>;
  canaryEvents: number;
  fiveHundreds: string[];
}

/**
 * Fuzzes a running collector over real HTTP and checks after every input that it answered below
 * 500; every `canaryEvery` inputs a good batch goes to the canary site and must be accepted.
 */
export class HttpFuzzer {
  readonly tally: FuzzTally = { inputs: 0, byStatus: {}, canaryEvents: 0, fiveHundreds: [] };
  /** Requests sent while `recording` is on (fuzz inputs only, not the canaries). */
  recorded: SentRequest[] = [];
  recording = false;
  private readonly canary: TestEvent[] = [];

  constructor(
    readonly collector: CollectorProcess,
    private readonly canaryEvery = 50,
  ) {}

  /** One request; records the status and throws on 5xx or a dead process. */
  async send(what: string, path: string, init: RequestInit): Promise<number> {
    if (this.recording) this.recorded.push({ via: 'fetch', what, path, init });
    const response = await fetch(`${this.collector.url}${path}`, init);
    await response.arrayBuffer();
    await this.record(what, response.status);
    return response.status;
  }

  /**
   * A request node's fetch refuses to make (odd methods, bad Host headers) over node:http. A body
   * goes out framed by a Content-Length, or `chunked` in 64 KB writes (then the collector cannot
   * refuse it up front and must stop reading at its cap).
   */
  rawSend(what: string, method: string, path: string, headers: Record<string, string>, body?: Uint8Array, chunked = false): Promise<number> {
    if (this.recording) this.recorded.push({ via: 'raw', what, method, path, headers, body, chunked });
    const { hostname, port } = new URL(this.collector.url);
    const framing = body === undefined ? {} : chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) };
    // node's parser itself refuses unknown methods and may refuse odd Host headers (400, connection
    // closed): a large body still on its way then gets the connection reset before the 400 is read.
    const parserMayRefuse = !PARSED_METHODS.includes(method) || 'host' in headers;
    return new Promise<number>((resolve, reject) => {
      // An early answer (413) can come before the write error of the rest of the body: count once.
      let settled = false;
      const finish = (status: number, recorded = true) => {
        if (settled) return;
        settled = true;
        if (recorded) this.record(what, status).then(() => resolve(status), reject);
        else resolve(status);
      };
      const options = { host: hostname, port, method, path, headers: { ...headers, ...framing }, setHost: !('host' in headers) };
      const req = httpRequest(options, (res) => {
        res.resume();
        res.on('end', () => finish(res.statusCode ?? 0));
      });
      req.on('error', (error) => {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        // node:http itself may refuse a request (a malformed header): then it never left; say so.
        if (code.startsWith('ERR_')) finish(-1, false);
        else if (parserMayRefuse && body && body.length >= RESET_BODY_BYTES && /^(EPIPE|ECONNRESET)$/.test(code)) finish(-1);
        else if (!settled) {
          settled = true;
          reject(new Error(`${what}: ${code} ${(error as Error).message}`));
        }
      });
      if (chunked && body) {
        for (let at = 0; at < body.length; at += 65_536) req.write(body.subarray(at, at + 65_536));
        req.end();
      } else req.end(body);
    });
  }

  /** A GET whose answer may stream forever (SSE): the connection is dropped once the status is known. */
  async get(what: string, path: string, headers: Record<string, string>): Promise<number> {
    if (this.recording) this.recorded.push({ via: 'get', what, path, headers });
    const abort = new AbortController();
    const response = await fetch(`${this.collector.url}${path}`, { headers, signal: abort.signal });
    abort.abort();
    await this.record(what, response.status);
    return response.status;
  }

  /** Sends recorded requests again, in order, with the same checks (5xx, crash, canaries). */
  async replay(requests: readonly SentRequest[]): Promise<void> {
    for (const r of requests) {
      if (r.via === 'fetch') await this.send(r.what, r.path, r.init);
      else if (r.via === 'get') await this.get(r.what, r.path, r.headers);
      else await this.rawSend(r.what, r.method, r.path, r.headers, r.body, r.chunked);
    }
  }

  async record(what: string, status: number): Promise<void> {
    this.tally.inputs++;
    this.tally.byStatus[status] = (this.tally.byStatus[status] ?? 0) + 1;
    if (status >= 500) this.tally.fiveHundreds.push(`${status} ${what}`);
    if (this.collector.process.exitCode !== null || this.collector.process.signalCode !== null) {
      throw new Error(`collector died after ${what}:\n${this.collector.output()}`);
    }
    if (this.tally.inputs % this.canaryEvery === 0) await this.sendCanary();
  }

  private async sendCanary(): Promise<void> {
    const events = [event({ url: 'https://canary.test/ok' }), event({ url: 'https://canary.test/ok' })];
    const response = await postBatch(this.collector.url, CANARY_SITE, events);
    if (response.status !== 202 || response.json.accepted !== events.length) {
      throw new Error(`canary batch answered ${response.status} ${JSON.stringify(response.json)}`);
    }
    this.canary.push(...events);
    this.tally.canaryEvents += events.length;
  }

  /** Pageviews the collector counts for the canary site (must equal `tally.canaryEvents`). */
  async canaryCounted(): Promise<number> {
    const stats = await getStats(this.collector.url, this.collector.token, { site: CANARY_SITE, from: Date.now() - 3_600_000, to: Date.now() + 60_000 });
    return stats.json.totals.pageviews as number;
  }
}

const chromeHeaders = { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' };

/** `POST /api/events` with random and mutated JSON bodies. */
export async function fuzzJsonApi(fuzzer: HttpFuzzer, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(jsonBody, fc.constantFrom('application/json', 'text/plain', ''), async (body, type) => {
      const status = await fuzzer.send('POST /api/events', '/api/events', {
        method: 'POST',
        headers: { ...chromeHeaders, ...(type ? { 'content-type': type } : {}) },
        body: body as BodyInit,
      });
      return status < 500;
    }),
    { numRuns },
  );
}

/** `POST /api/e` with mutated beacons, raw or gzipped (and gzip streams mutated after compression). */
export async function fuzzBeaconRoute(fuzzer: HttpFuzzer, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(wireBatch, fc.array(mutation, { maxLength: 4 }), fc.constantFrom('raw', 'gzip', 'gzip-then-mutate'), async (batch, ms, wrap) => {
      const beacon = encodeBeacon(batch);
      const body = wrap === 'raw' ? mutate(beacon, ms) : wrap === 'gzip' ? gzipSync(mutate(beacon, ms)) : mutate(gzipSync(beacon), ms);
      const status = await fuzzer.send('POST /api/e', '/api/e', { method: 'POST', headers: { ...chromeHeaders, 'content-type': 'text/plain;charset=UTF-8' }, body: body as BodyInit });
      return status < 500;
    }),
    { numRuns },
  );
}

/** Query strings of /api/stats and /api/live, with the right token, a wrong one, or none. */
export async function fuzzQueries(fuzzer: HttpFuzzer, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('/api/stats', '/api/live'), queryString, fc.constantFrom('good', 'wrong', 'none'), async (path, query, auth) => {
      const headers: Record<string, string> = auth === 'none' ? {} : { authorization: `Bearer ${auth === 'good' ? fuzzer.collector.token : 'x'}` };
      const status = await fuzzer.get(`GET ${path}?${query}`, `${path}?${query}`, headers);
      return status < 500;
    }),
    { numRuns },
  );
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'TRACK', 'PROPFIND', 'FOO'];
const PATHS = ['/', '/api/e', '/api/events', '/api/stats', '/api/live', '/metrics', '/healthz', '/sdk/', '/sdk/wisp.min.js', '/sdk/..%2f..%2fpackage.json', '/%', '//x', '/?token=x'];

/** The collector's request body cap (collector/src/ingest/limits.ts, contract: 1 MiB). */
const LIMIT_BODY_BYTES = 1024 * 1024;
/** Bodies from this size may be answered by a reset when node's parser refuses the request (see rawSend). */
const RESET_BODY_BYTES = 64 * 1024;
/** Body sizes around the cap; one in three requests carries one (none, small, just over, far over). */
const bodySize = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom(0, 100, LIMIT_BODY_BYTES, LIMIT_BODY_BYTES + 1, 3 * LIMIT_BODY_BYTES) },
);

/** Odd methods, paths, Host headers and bodies around the size cap over raw node:http (fetch would refuse to send some). */
export async function fuzzRawRequests(fuzzer: HttpFuzzer, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      // Any method on any path, or a POST to an ingest route (where the body cap answers 413).
      fc.oneof(
        fc.tuple(fc.constantFrom(...METHODS), fc.oneof(fc.constantFrom(...PATHS), fc.string({ maxLength: 30 }).map((s) => `/${encodeURI(s)}`))),
        fc.tuple(fc.constant('POST'), fc.constantFrom('/api/e', '/api/events')),
      ),
      fc.option(fc.constantFrom('', 'a b', 'x:y:z', '[::1', 'example.com:99999', '%', 'example.com:8080', '..', 'localhost', '127.0.0.1:1', 'a.b.c.d.e'), { nil: undefined }),
      bodySize,
      fc.boolean(),
      async ([method, path], host, size, chunked) => {
        const headers = host === undefined ? chromeHeaders : { ...chromeHeaders, host };
        const body = size === undefined ? undefined : new Uint8Array(size).fill(0x7b);
        const status = await fuzzer.rawSend(`${method} ${path} host=${JSON.stringify(host)} body=${size}${chunked ? ' chunked' : ''}`, method, path, headers, body, chunked);
        return status < 500;
      },
    ),
    { numRuns },
  );
}
