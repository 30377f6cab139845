import type { BufferedResponse } from './buffered-response.js';

/** What the Node adapter knows about a request that a `Request` cannot carry. */
export interface RequestContext {
  /** Socket address, or the first X-Forwarded-For hop when WISP_TRUST_PROXY=1. Never stored or logged. */
  clientIp: string;
  /** Server clock when the request arrived, epoch ms. */
  receivedAt: number;
  /** The body was over the adapter's cap and was not read (`request` has no body then). */
  oversizedBody: boolean;
}

/**
 * The part of a fetch `Request` the handlers read. A real `Request` has it (tests build those); the
 * Node adapter passes a lighter object (NodeRequest), since building a `Request` costs ~8 us.
 */
export interface HandlerRequest {
  readonly method: string;
  /** Absolute URL (on a fixed origin when it came from node:http). */
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  /** Aborted when the client goes away (long-lived GET answers such as SSE stop then). */
  readonly signal: AbortSignal;
  /** The body (as a fetch `Request`'s `bytes()`; NodeRequest returns its buffer without a copy). */
  bytes(): Promise<Uint8Array>;
}

/** A fetch `Response`, or a buffered JSON answer the adapter writes without building one. */
export type HandlerResponse = Response | BufferedResponse;

/** Hono-style handler: testable without a socket. */
export type Handler = (request: HandlerRequest, context: RequestContext) => HandlerResponse | Promise<HandlerResponse>;
