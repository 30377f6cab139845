import { HttpError } from '../http/http-error.js';
import { inflate } from './inflate.js';
import { LIMITS } from './limits.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decode stage of `POST /api/events`: (maybe gzipped) UTF-8 JSON -> an unvalidated value. */
export function decodeJson(body: Uint8Array): unknown {
  const bytes = inflate(body, LIMITS.maxInflatedBytes);
  if (bytes.length === 0) throw new HttpError(400, 'malformed_body', 'empty body');
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    throw new HttpError(400, 'malformed_body', 'body is not valid UTF-8 JSON');
  }
}
