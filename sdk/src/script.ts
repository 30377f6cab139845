// wisp.min.js: the classic script-tag build. Reads its own tag's data attributes:
// data-site (default: the page's host), data-endpoint (default: the script's origin + /api/e),
// data-hash-routing, data-outbound-links, data-file-downloads, data-debug (presence = on),
// data-worker="off". Exposes the client as window.wisp. Never throws into the page.
import type { Wisp } from './options.js';
import { createClient } from './loader/init.js';

try {
  const script = document.currentScript as HTMLScriptElement;
  const data = script.dataset;
  (window as unknown as { wisp?: Wisp }).wisp = createClient({
    site: data.site || location.hostname,
    endpoint: data.endpoint || new URL('/api/e', script.src).href,
    sdkUrl: new URL('.', script.src).href,
    hashRouting: 'hashRouting' in data,
    outboundLinks: 'outboundLinks' in data,
    fileDownloads: 'fileDownloads' in data,
    debug: 'debug' in data,
    worker: data.worker !== 'off',
  });
} catch (error) {
  console.warn('wisp: not started:', error);
}
