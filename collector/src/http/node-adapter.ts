import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { clientIp } from './client-ip.js';
import { errorResponse } from './error-response.js';
import type { Handler } from './handler.js';
import { HttpError } from './http-error.js';

export interface NodeAdapterOptions {
  /** Largest request body accepted, bytes; larger bodies get 413 without being read further. */
  maxBodyBytes: number;
  trustProxy: boolean;
  onUnexpected: (error: unknown) => void;
}

function readBody(request: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (declared > maxBodyBytes) {
    request.resume();
    return Promise.reject(tooLarge(maxBodyBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        request.removeAllListeners('data');
        request.resume();
        reject(tooLarge(maxBodyBytes));
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    request.on('error', reject);
  });
}

function tooLarge(maxBodyBytes: number): HttpError {
  return new HttpError(413, 'body_too_large', `request body over ${maxBodyBytes} bytes`);
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => (headers[key] = value));
  res.writeHead(response.status, headers);
  if (!response.body) return void res.end();
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
 * the client IP and arrival time in the context, aborts `request.signal` when the client leaves.
 */
export function nodeAdapter(handler: Handler, options: NodeAdapterOptions): RequestListener {
  return async (req, res) => {
    const receivedAt = Date.now();
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    let response: Response;
    try {
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const body = hasBody ? await readBody(req, options.maxBodyBytes) : undefined;
      const headers = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
      const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
        method: req.method,
        headers,
        body: body as Uint8Array<ArrayBuffer> | undefined,
        signal: abort.signal,
      });
      response = await handler(request, { clientIp: clientIp(req, options.trustProxy), receivedAt });
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
