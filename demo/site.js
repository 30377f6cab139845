// Demo shop behaviour shared by every page: custom events, the cart, the offline banner and the
// service worker. Plain script, no build step. `window.wisp` comes from /sdk/wisp.min.js.
(function () {
  'use strict';

  /** Guarded: if the SDK did not load (blocked, or offline before it was cached) the shop still works. */
  function track(name, props) {
    if (window.wisp && typeof window.wisp.track === 'function') window.wisp.track(name, props || {});
  }

  var CART_KEY = 'wisp-demo-cart';
  function readCart() {
    try {
      return JSON.parse(localStorage.getItem(CART_KEY) || '[]');
    } catch (e) {
      return [];
    }
  }
  function writeCart(items) {
    localStorage.setItem(CART_KEY, JSON.stringify(items));
    renderCart();
  }
  function addToCart(product) {
    writeCart(readCart().concat([{ id: product.id, name: product.name, price: product.price }]));
    track('add_to_cart', { product: product.id, price: product.price });
    toast(product.name + ' added to the cart');
  }
  function renderCart() {
    var items = readCart();
    var count = document.getElementById('cart-count');
    if (count) count.textContent = String(items.length);
    var list = document.getElementById('cart-items');
    if (!list) return;
    list.replaceChildren.apply(list, items.map(function (item) {
      var li = document.createElement('li');
      li.textContent = item.name + ' · €' + item.price;
      return li;
    }));
    document.getElementById('cart-empty').hidden = items.length > 0;
  }

  var toastTimer;
  function toast(text) {
    var el = document.getElementById('toast');
    if (!el) {
      el = document.createElement('div');
      el.id = 'toast';
      el.className = 'toast';
      el.setAttribute('role', 'status');
      document.body.append(el);
    }
    el.textContent = text;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.hidden = true; }, 2500);
  }

  document.addEventListener('click', function (event) {
    var target = event.target.closest('[data-track]');
    if (target) {
      var props = {};
      try {
        props = JSON.parse(target.getAttribute('data-props') || '{}');
      } catch (e) {}
      track(target.getAttribute('data-track'), props);
      if (target.tagName === 'BUTTON') toast('Tracked "' + target.getAttribute('data-track') + '"');
    }
    if (event.target.closest('#throw-error')) {
      // Thrown outside the click handler so it reaches window.onerror like a real bug would.
      setTimeout(function () { throw new Error('Demo error: the error button was pressed'); });
    }
    if (event.target.closest('#clear-cart')) writeCart([]);
  });

  var checkout = document.getElementById('checkout-form');
  if (checkout) {
    checkout.addEventListener('submit', function () {
      var data = new FormData(checkout);
      // Deliberately hands personal data to the SDK: its scrubber must drop or mask all of it.
      track('purchase', {
        items: readCart().length,
        email: String(data.get('email')),
        phone: String(data.get('phone')),
        note: 'card ' + String(data.get('card')),
      });
      writeCart([]);
    });
  }

  function showOnline() {
    document.getElementById('offline-banner').hidden = navigator.onLine;
  }
  window.addEventListener('online', showOnline);
  window.addEventListener('offline', showOnline);
  showOnline();
  renderCart();

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/demo/sw.js', { scope: '/demo/' }).catch(function () {
      // No service worker (e.g. insecure origin other than localhost): the site still works online.
    });
  }

  window.demoShop = { track: track, addToCart: addToCart, toast: toast };
})();
