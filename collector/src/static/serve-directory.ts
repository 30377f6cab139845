import { readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Handler } from '../http/handler.js';
import { HttpError } from '../http/http-error.js';
import { mimeType } from './mime-types.js';

export interface ServeDirectoryOptions {
  /** URL prefix removed before mapping to a file, e.g. `/sdk/`. */
  prefix: string;
  /** Extra headers on every file (e.g. CORS for the SDK). */
  headers?: Record<string, string>;
}

/**
 * Serves files under `root`; a directory serves its index.html. Paths are decoded, then resolved
 * and checked to stay inside `root` (no `..`, encoded or not, and no NUL bytes).
 */
export function serveDirectory(root: string, options: ServeDirectoryOptions): Handler {
  const base = resolve(root);
  return async (request) => {
    const pathname = new URL(request.url).pathname;
    let relative: string;
    try {
      relative = decodeURIComponent(pathname.slice(options.prefix.length));
    } catch {
      throw new HttpError(400, 'bad_path', 'malformed percent-encoding in path');
    }
    const file = resolve(base, `.${sep}${relative}`);
    if (relative.includes('\0') || (file !== base && !file.startsWith(base + sep))) {
      throw new HttpError(404, 'not_found', 'no such file');
    }
    const target = await findFile(file);
    if (!target) throw new HttpError(404, 'not_found', 'no such file');
    const body = await readFile(target);
    return new Response(request.method === 'HEAD' ? null : body, {
      headers: { 'content-type': mimeType(target), 'cache-control': 'no-cache', ...options.headers },
    });
  };
}

async function findFile(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    if (info.isFile()) return file;
    if (info.isDirectory()) return findFile(join(file, 'index.html'));
  } catch {
    // missing file: 404 below
  }
  return undefined;
}
