import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Handler } from '../http/handler.js';
import { serveDirectory } from './serve-directory.js';

const notBuilt = `<!doctype html><meta charset="utf-8"><title>Wisp</title>
<h1>Wisp collector</h1><p>The dashboard is not built. Run <code>npm run build</code>, then reload.</p>`;

/**
 * The dashboard runs only its own files: no inline code, no third-party origins, no framing. The
 * token may be in the first URL (`/?token=`), so no Referer leaves the page either.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** `/` and its assets from the built dashboard; a plain page when it has not been built. */
export function dashboardHandler(dashboardDir: string): Handler {
  const files = serveDirectory(dashboardDir, { prefix: '/', headers: SECURITY_HEADERS });
  return (request, context) => {
    if (!existsSync(join(dashboardDir, 'index.html')) && new URL(request.url).pathname === '/') {
      return new Response(notBuilt, { headers: { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS } });
    }
    return files(request, context);
  };
}
