import { createHash, timingSafeEqual } from 'node:crypto';
import type { HandlerRequest } from './handler.js';
import { HttpError } from './http-error.js';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Throws 401 unless the request carries `Authorization: Bearer <token>`. Compares SHA-256 digests
 * with timingSafeEqual, so neither the token's content nor its length leaks through timing.
 */
export function requireBearer(request: HandlerRequest, token: string): void {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match || !timingSafeEqual(digest(match[1]!.trim()), digest(token))) {
    throw new HttpError(401, 'unauthorized', 'missing or wrong bearer token', { 'www-authenticate': 'Bearer' });
  }
}
