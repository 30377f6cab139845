import type { Handler } from '../http/handler.js';
import { HttpError } from '../http/http-error.js';
import { jsonResponse } from '../http/json-response.js';
import type { Sender } from '../ingest/ingest-types.js';
import type { CollectorMetrics } from '../metrics/collector-metrics.js';

/** What an ingest route answers with 202 (contract). */
export interface IngestResult {
  accepted: number;
  duplicates: number;
}

export interface IngestRouteOptions {
  /** Label for metrics: `events` or `e`. */
  route: string;
  /** Throws 429 when the client is over its rate. */
  rateLimit: (ip: string, now: number) => void;
  /** Decode stage of this route: body bytes -> unvalidated batch. */
  decode: (body: Uint8Array) => unknown;
  /** The rest of the pipeline; resolves once the events are durable. */
  ingest: (decoded: unknown, sender: Sender) => Promise<IngestResult>;
  metrics: CollectorMetrics;
}

const cors = { 'access-control-allow-origin': '*' };

/** `POST /api/events` and `POST /api/e`: 202 `{accepted, duplicates}` once durable, CORS `*`. */
export function ingestRoute(options: IngestRouteOptions): Handler {
  const { metrics } = options;
  return async (request, context) => {
    let status = 202;
    try {
      if (context.oversizedBody) throw new HttpError(413, 'body_too_large', 'request body over the size limit');
      options.rateLimit(context.clientIp, context.receivedAt);
      const body = await request.bytes();
      const sender: Sender = {
        ip: context.clientIp,
        userAgent: request.headers.get('user-agent') ?? '',
        receivedAt: context.receivedAt,
      };
      const result = await options.ingest(options.decode(body), sender);
      return jsonResponse(result, 202, cors);
    } catch (error) {
      if (!(error instanceof HttpError)) {
        status = 500;
        throw error;
      }
      status = error.status;
      metrics.rejectedRequests.inc({ reason: error.code });
      // Senders on other origins must be able to read why (SDK: 4xx drop, 429/5xx retry).
      throw error.withHeaders(cors);
    } finally {
      metrics.ingestSeconds.observe({ route: options.route, status: String(status) }, (Date.now() - context.receivedAt) / 1000);
    }
  };
}

/** CORS preflight for the ingest routes (the SDK avoids preflights, other senders may not). */
export const ingestPreflight: Handler = () =>
  new Response(null, {
    status: 204,
    headers: {
      ...cors,
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type, content-encoding',
      'access-control-max-age': '86400',
    },
  });
