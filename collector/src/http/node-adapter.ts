import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { BufferedResponse } from './buffered-response.js';
import { clientIp } from './client-ip.js';
import { errorResponse } from './error-response.js';
import type { Handler, HandlerResponse } from './handler.js';
import { HttpError } from './http-error.js';
import { NodeRequest } from './node-request.js';

export interface NodeAdapterOptions {
  /** Largest request body read, bytes; larger ones are drained and flagged (`oversizedBody`). */
  maxBodyBytes: number;
  trustProxy: boolean;
  onUnexpected: (error: unknown) => void;
}

/** The body, or undefined when it is over the cap (the rest is drained, not kept). */
function readBody(request: IncomingMessage, maxBodyBytes: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length']);
  if (declared > maxBodyBytes) {
    request.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        request.removeAllListeners('data');
        request.resume();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    // A client that goes away mid-body is not a server error (nobody reads the answer anyway).
    const aborted = () => reject(new HttpError(400, 'aborted', 'the request body was cut off'));
    request.on('error', aborted);
    request.on('close', () => {
      if (!request.complete) aborted();
    });
  });
}

async function send(response: HandlerResponse, res: ServerResponse): Promise<void> {
  if (response instanceof BufferedResponse) {
    res.writeHead(response.status, { ...response.headerFields, 'content-length': String(response.bodyBytes.length) });
    return void res.end(response.bodyBytes);
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => (headers[key] = value));
  if (!response.body) {
    res.writeHead(response.status, headers);
    return void res.end();
  }
  // Event streams are written as they come; anything else is one write with a Content-Length.
  if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
    const body = Buffer.from(await response.arrayBuffer());
    headers['content-length'] = String(body.length);
    res.writeHead(response.status, headers);
    return void res.end(body);
  }
  res.writeHead(response.status, headers);
  const reader = response.body.getReader();
  // Streams (SSE) end when the client goes away; cancelling runs the stream's cleanup.
  res.on('close', () => void reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!res.write(value)) await new Promise((resolve) => res.once('drain', resolve));
  }
  res.end();
}

/**
 * Runs a `Request -> Response` handler behind node:http: buffers the body under a size cap, passes
 * the client IP, arrival time and an oversized-body flag in the context, aborts `request.signal`
 * of a GET when the client leaves.
 */
export function nodeAdapter(handler: Handler, options: NodeAdapterOptions): RequestListener {
  return async (req, res) => {
    const receivedAt = Date.now();
    // Only GET answers can be long-lived (SSE); other requests skip the signal's cost.
    const abort = req.method === 'GET' ? new AbortController() : undefined;
    if (abort) res.on('close', () => abort.abort());
    let response: HandlerResponse;
    try {
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const body = hasBody ? await readBody(req, options.maxBodyBytes) : undefined;
      const request = new NodeRequest(req, body, abort?.signal);
      const context = { clientIp: clientIp(req, options.trustProxy), receivedAt, oversizedBody: hasBody && !body };
      response = await handler(request, context);
    } catch (error) {
      response = errorResponse(error, options.onUnexpected);
    }
    try {
      await send(response, res);
    } catch (error) {
      options.onUnexpected(error);
      res.destroy();
    }
  };
}
