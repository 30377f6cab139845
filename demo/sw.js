// Service worker of the demo shop: caches the app shell (pages, styles, scripts and the Wisp SDK)
// so the shop opens and works offline. It never touches /api/: events tracked offline stay in the
// SDK's own IndexedDB queue and go out when the connection returns.
'use strict';

var CACHE = 'wisp-demo-v3';
var SHELL = [
  '/demo/', '/demo/about.html', '/demo/cart.html', '/demo/checkout.html', '/demo/thanks.html',
  '/demo/shop/', '/demo/shop/shop.js', '/demo/style.css', '/demo/site.js',
  '/demo/manifest.webmanifest', '/demo/icon.svg',
].concat(
  // The SDK and every chunk it may load later (test/unit/demo/service-worker-shell.test.ts keeps this
  // list equal to the browser files of sdk/dist). Its worker's own requests are not routed through this
  // service worker (Chromium does not hand dedicated workers to it here), so offline the SDK falls
  // back to running its pipeline on the page, whose imports this cache then serves.
  ['wisp.min.js', 'wisp-bridge.js', 'wisp-clicks.js', 'wisp-hash-core-js.js', 'wisp-hash-core-wasm.js',
    'wisp-memory-queue.js', 'wisp-vitals.js', 'wisp-worker.js',
  ].map(function (file) { return '/sdk/' + file; }),
);

self.addEventListener('install', function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // One by one, so a single missing file (e.g. an unbuilt SDK) does not fail the whole install.
      return Promise.all(SHELL.map(function (url) { return cache.add(url).catch(function () {}); }));
    }).then(function () { return self.skipWaiting(); }),
  );
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
    }).then(function () { return self.clients.claim(); }),
  );
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, url));
  } else if (url.pathname.startsWith('/demo/') || url.pathname.startsWith('/sdk/')) {
    event.respondWith(staleWhileRevalidate(request));
  }
});

/** Pages: fresh when online; offline, the cached page (query ignored), and any /demo/shop/* route gets the SPA shell. */
function networkFirst(request, url) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      return response;
    }
    // Deep links into the SPA are not files on the server: serve the shell.
    if (response.status === 404 && url.pathname.startsWith('/demo/shop/')) return cached('/demo/shop/', response);
    return response;
  }, function () {
    var fallback = url.pathname.startsWith('/demo/shop/') ? '/demo/shop/' : '/demo/';
    return caches.match(url.pathname).then(function (hit) { return hit || cached(fallback, Response.error()); });
  });
}

function cached(path, otherwise) {
  return caches.match(path).then(function (hit) { return hit || otherwise; });
}

function staleWhileRevalidate(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreSearch: true }).then(function (hit) {
      var refresh = fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
      if (hit) {
        refresh.catch(function () {});
        return hit;
      }
      return refresh;
    });
  });
}
