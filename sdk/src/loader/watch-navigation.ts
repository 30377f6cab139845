type HistoryMethod = 'pushState' | 'replaceState';

/**
 * Calls `onChange` after SPA navigations: `pushState`/`replaceState` (wrapped), `popstate`, and
 * `hashchange` when hash routes count. Same-URL updates (routers replacing state) are ignored.
 * Returns the undo: our wrapper is removed when nobody wrapped it since, otherwise it turns into
 * a pass-through so the host app's own patch keeps working.
 */
export function watchNavigation(onChange: () => void, hashRouting: boolean): () => void {
  const key = () => (hashRouting ? location.href : location.href.split('#')[0]);
  let last = key();
  let active = true;
  const check = () => {
    if (active && key() !== last) {
      last = key();
      onChange();
    }
  };
  const restores = (['pushState', 'replaceState'] as HistoryMethod[]).map((method) => {
    const original = history[method];
    const wrapped = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      check();
      return result;
    };
    history[method] = wrapped;
    return () => {
      if (history[method] === wrapped) history[method] = original;
    };
  });
  addEventListener('popstate', check);
  if (hashRouting) addEventListener('hashchange', check);
  return () => {
    active = false;
    restores.forEach((restore) => restore());
    removeEventListener('popstate', check);
    removeEventListener('hashchange', check);
  };
}
