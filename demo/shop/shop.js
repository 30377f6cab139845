// The shop is a small single-page app: product pages are pushState navigations under /demo/shop/,
// which the Wisp SDK records as pageviews without any extra code.
(function () {
  'use strict';

  var PRODUCTS = [
    { id: 'lamp', name: 'Paper lamp', price: 49, emoji: '💡', text: 'Soft light for long evenings.' },
    { id: 'chair', name: 'Oak chair', price: 189, emoji: '🪑', text: 'Solid oak, made to last decades.' },
    { id: 'mug', name: 'Stoneware mug', price: 19, emoji: '☕', text: 'Holds exactly one good coffee.' },
    { id: 'plant', name: 'Pothos plant', price: 24, emoji: '🪴', text: 'Impossible to kill. Probably.' },
  ];
  var BASE = '/demo/shop/';
  var view = document.getElementById('shop-view');

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    (children || []).forEach(function (child) { node.append(child); });
    return node;
  }

  function renderList() {
    document.title = 'Shop · Wisp Demo Shop';
    var grid = el('div', { class: 'grid' }, PRODUCTS.map(function (p) {
      return el('article', { class: 'product' }, [
        el('span', { class: 'emoji', 'aria-hidden': 'true' }, [p.emoji]),
        el('h2', {}, [p.name]),
        el('span', { class: 'price' }, ['€' + p.price]),
        el('a', { href: BASE + p.id, 'data-spa': '' }, ['View ' + p.name]),
      ]);
    }));
    view.replaceChildren(el('h1', {}, ['Shop']), el('p', {}, ['Everything ships in recycled paper.']), grid);
  }

  function renderProduct(product) {
    document.title = product.name + ' · Wisp Demo Shop';
    var add = el('button', { type: 'button' }, ['Add to cart · €' + product.price]);
    add.addEventListener('click', function () { window.demoShop.addToCart(product); });
    var wish = el('button', { type: 'button', class: 'secondary', 'data-track': 'wishlist', 'data-props': JSON.stringify({ product: product.id }) }, ['Add to wishlist']);
    view.replaceChildren(
      el('p', {}, [el('a', { href: BASE, 'data-spa': '' }, ['← All products'])]),
      el('article', { class: 'product' }, [
        el('span', { class: 'emoji', 'aria-hidden': 'true' }, [product.emoji]),
        el('h1', {}, [product.name]),
        el('p', {}, [product.text]),
        el('p', {}, [add, ' ', wish]),
      ]),
    );
  }

  function render(moveFocus) {
    var id = location.pathname.slice(BASE.length).replace(/\/$/, '');
    var product = PRODUCTS.find(function (p) { return p.id === id; });
    if (product) renderProduct(product);
    else renderList();
    var heading = view.querySelector('h1');
    heading.tabIndex = -1;
    // After an in-app navigation, move focus like a page load would (screen readers announce it).
    if (moveFocus) heading.focus({ preventScroll: true });
  }

  document.addEventListener('click', function (event) {
    var link = event.target.closest('a[data-spa]');
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    history.pushState(null, '', link.getAttribute('href'));
    render(true);
    window.scrollTo(0, 0);
  });
  window.addEventListener('popstate', function () { render(true); });
  render(false);
})();
