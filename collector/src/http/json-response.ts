import { BufferedResponse } from './buffered-response.js';

/** A JSON answer; `headers` (lower-case names) are added to the content type. Buffered: the adapter writes its bytes as they are. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): BufferedResponse {
  return new BufferedResponse(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}
