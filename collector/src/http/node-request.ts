import type { IncomingMessage } from 'node:http';
import type { HandlerRequest } from './handler.js';
import { HttpError } from './http-error.js';

/** The signal of requests that never need one (their answers are not long-lived). */
const NEVER_ABORTED = new AbortController().signal;

/**
 * A request as node:http parsed it, with its body already in memory: what handlers read of a
 * `Request` without building one (undici's `Request` + `Headers` cost ~8 us a request, a tenth of
 * an ingest request's whole cost at one event). Header names are matched case-insensitively, as
 * node:http lower-cases them.
 */
export class NodeRequest implements HandlerRequest {
  readonly method: string;
  readonly url: string;
  readonly signal: AbortSignal;
  readonly headers: { get(name: string): string | null };
  readonly #body: Uint8Array | undefined;

  /**
   * The URL is built on a fixed origin (the Host header is the client's to choose and may be no
   * valid authority); what a `Request` would refuse (TRACE, TRACK, CONNECT, a malformed target) is a 4xx.
   */
  constructor(req: IncomingMessage, body: Uint8Array | undefined, signal: AbortSignal | undefined) {
    const method = req.method ?? 'GET';
    if (/^(TRACE|TRACK|CONNECT)$/i.test(method)) throw new HttpError(405, 'method_not_allowed', `${method} is not supported`);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      throw new HttpError(400, 'bad_request', 'malformed request target');
    }
    this.method = method;
    this.url = url.href;
    this.signal = signal ?? NEVER_ABORTED;
    const raw = req.headers;
    this.headers = {
      get(name: string): string | null {
        const value = raw[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
    };
    this.#body = body;
  }

  /** The body as read (a view, not a copy: the request is its only reader). */
  async bytes(): Promise<Uint8Array> {
    return this.#body ?? new Uint8Array(0);
  }
}
