import { byId, h } from './dom.js';

export type NoticeKind = 'empty' | 'down' | 'error';

/** The one status line above the numbers: no data yet, collector down, or another error. */
export function showNotice(kind: NoticeKind | null, site: string, detail = ''): void {
  const notice = byId('notice');
  notice.hidden = kind === null;
  notice.className = `notice ${kind ?? ''}`;
  document.body.dataset.state = kind ?? 'ok';
  if (kind === 'empty') {
    notice.replaceChildren(
      h('strong', {}, `No data for “${site}” in this period yet. `),
      'Add ',
      h('code', {}, `<script defer src="${location.origin}/sdk/wisp.min.js" data-site="${site}"></script>`),
      ' to your pages, or try a longer range.',
    );
  } else if (kind === 'down') {
    notice.replaceChildren(h('strong', {}, 'The collector cannot be reached. '), 'Retrying every 15 seconds; the numbers below may be stale.');
  } else if (kind === 'error') {
    notice.replaceChildren(h('strong', {}, 'Something went wrong: '), detail);
  }
}

/** Swaps the dashboard for the token form (`message` explains why, e.g. a rejected token). */
export function showSignIn(show: boolean, message?: string): void {
  byId('signin').hidden = !show;
  byId('main').hidden = show;
  byId('sign-out').hidden = show;
  document.body.dataset.state = show ? 'signin' : 'ok';
  if (message) byId('signin-message').textContent = message;
  if (show) byId<HTMLInputElement>('token-input').focus();
}
