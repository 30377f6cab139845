import { gunzipSync } from 'node:zlib';
import { HttpError } from '../http/http-error.js';

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips a gzip body under a size cap (a zip bomb gets 413, corrupt data 400); other bodies pass. */
export function inflate(bytes: Uint8Array, maxBytes: number): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new HttpError(413, 'body_too_large', `decompressed body over ${maxBytes} bytes`);
    }
    throw new HttpError(400, 'malformed_body', 'corrupt or truncated gzip data');
  }
}
