import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Handler } from '../http/handler.js';
import { serveDirectory } from './serve-directory.js';

const notBuilt = `<!doctype html><meta charset="utf-8"><title>Wisp</title>
<h1>Wisp collector</h1><p>The dashboard is not built. Run <code>npm run build</code>, then reload.</p>`;

/** `/` and its assets from the built dashboard; a plain page when it has not been built. */
export function dashboardHandler(dashboardDir: string): Handler {
  const files = serveDirectory(dashboardDir, { prefix: '/' });
  return (request, context) => {
    if (!existsSync(join(dashboardDir, 'index.html')) && new URL(request.url).pathname === '/') {
      return new Response(notBuilt, { headers: { 'content-type': 'text/html; charset=utf-8' } });
    }
    return files(request, context);
  };
}
