/** What the Node adapter knows about a request that a `Request` cannot carry. */
export interface RequestContext {
  /** Socket address, or the first X-Forwarded-For hop when WISP_TRUST_PROXY=1. Never stored or logged. */
  clientIp: string;
  /** Server clock when the request arrived, epoch ms. */
  receivedAt: number;
  /** The body was over the adapter's cap and was not read (`request` has no body then). */
  oversizedBody: boolean;
}

/** Hono-style handler: testable without a socket. */
export type Handler = (request: Request, context: RequestContext) => Response | Promise<Response>;
