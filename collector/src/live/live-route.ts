import { createHash, timingSafeEqual } from 'node:crypto';
import type { HandlerRequest } from '../http/handler.js';
import type { LiveHub } from './live-hub.js';

export interface LiveRouteOptions {
  /** The collector's bearer token: `Authorization: Bearer <t>` or `?token=<t>` (EventSource cannot set headers). */
  token: string;
  /** Whether `site` is well-formed and allowed (the collector's own site check). */
  isValidSite: (site: string) => boolean;
}

/**
 * `GET /api/live?site=S` as a `Request -> Response` handler: 401 without the token, 400 for a bad
 * site (`{"error", "detail"}` bodies), else the hub's event stream, detached when the request aborts.
 */
export function liveRoute(hub: LiveHub, options: LiveRouteOptions): (request: HandlerRequest) => Response {
  const expected = digest(options.token);
  return (request) => {
    const url = new URL(request.url);
    const header = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]?.trim();
    const given = header ?? url.searchParams.get('token') ?? '';
    if (!timingSafeEqual(digest(given), expected)) {
      return problem(401, 'unauthorized', 'missing or wrong token (Authorization: Bearer or ?token=)', { 'www-authenticate': 'Bearer' });
    }
    const site = url.searchParams.get('site') ?? '';
    if (!options.isValidSite(site)) return problem(400, 'invalid_site', 'site query parameter missing, malformed or not allowed');
    return hub.response(site, request.signal);
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function problem(status: number, error: string, detail: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error, detail }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}
