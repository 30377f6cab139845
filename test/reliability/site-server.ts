import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const builtSdk = fileURLToPath(new URL('../../sdk/dist/', import.meta.url));
const types: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html; charset=utf-8' };

/** The test site's window: `wisp` is the SDK client, `wispReady` is set once it is created. */
export type SiteWindow = {
  wisp: {
    track(name: string, props?: Record<string, string | number | boolean>): void;
    pageview(url?: string): void;
    flush(): Promise<{ sent: number; queued: number }>;
  };
  wispReady?: boolean;
};

export interface SiteServer {
  /** Origin of the test site, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  close(): Promise<void>;
}

/**
 * A site on its own origin that loads the built SDK (ESM, from its own /sdk/, so pages keep
 * loading while the collector is down) and sends to `endpoint`. `init` options are passed as JSON.
 * `/` = a page with `window.wisp`; any other path serves the same page (SPA-like).
 */
export async function startSiteServer(initOptions: Record<string, unknown>): Promise<SiteServer> {
  // A snapshot of the built SDK: a rebuild of sdk/dist during the test (other work on the machine)
  // cannot pull files from under a page that is reloading.
  const snapshot = mkdtempSync(join(tmpdir(), 'wisp-site-sdk-'));
  const sdkDist = join(snapshot, 'dist') + '/';
  cpSync(builtSdk, sdkDist, { recursive: true });
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/sdk/')) {
      const file = normalize(join(sdkDist, path.slice('/sdk/'.length)));
      if (!file.startsWith(sdkDist)) return void res.writeHead(404).end();
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        return void res.end(body);
      } catch {
        return void res.writeHead(404).end();
      }
    }
    res.writeHead(200, { 'content-type': types['.html']!, 'cache-control': 'no-store' });
    res.end(`<!doctype html><meta charset="utf-8"><title>reliability site</title>
<script type="module">
  import { init } from '/sdk/wisp.js';
  window.wisp = init({ ...${JSON.stringify(initOptions)}, sdkUrl: location.origin + '/sdk/' });
  window.wispReady = true;
</script><body>site</body>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(snapshot, { recursive: true, force: true });
    },
  };
}

/** A port that was free a moment ago (for a collector that must restart on the same port). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
