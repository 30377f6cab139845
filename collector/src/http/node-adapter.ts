import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { BufferedRequest } from './buffered-request.js';
import { BufferedResponse } from './buffered-response.js';
import { clientIp } from './client-ip.js';
import { errorResponse } from './error-response.js';
import type { Handler } from './handler.js';
import { HttpError } from './http-error.js';

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

/**
 * A `Request` from node's request line and headers. The URL is built on a fixed origin (the Host
 * header is the client's to choose and may be no valid authority); methods undici refuses (TRACE,
 * TRACK, CONNECT) and other invalid input become 4xx instead of a TypeError.
 */
function toRequest(req: IncomingMessage, body: Buffer | undefined, signal: AbortSignal | undefined): Request {
  const headers = new Headers();
  try {
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (body) return new BufferedRequest(url, { method: req.method!, headers }, body as Uint8Array<ArrayBuffer>);
    return new Request(url, { method: req.method, headers, signal });
  } catch {
    if (/^(TRACE|TRACK|CONNECT)$/i.test(req.method ?? '')) {
      throw new HttpError(405, 'method_not_allowed', `${req.method} is not supported`);
    }
    throw new HttpError(400, 'bad_request', 'malformed request line or headers');
  }
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => (headers[key] = value));
  if (response instanceof BufferedResponse) {
    headers['content-length'] = String(response.bodyBytes.length);
    res.writeHead(response.status, headers);
    return void res.end(response.bodyBytes);
  }
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
    let response: Response;
    try {
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const body = hasBody ? await readBody(req, options.maxBodyBytes) : undefined;
      const request = toRequest(req, body, abort?.signal);
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
