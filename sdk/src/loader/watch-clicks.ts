import type { Emit } from './emit.js';

const FILE = /\.(pdf|zip|gz|7z|rar|dmg|exe|msi|apk|csv|xlsx?|docx?|pptx?|mp3|mp4|mov|epub)$/i;
const EVENTS = ['click', 'auxclick'] as const; // auxclick: middle clicks (new tabs)

/** Opt-in: clicks on links to other hosts and on file links (or `download` links). */
export function watchClicks(emit: Emit, outbound: boolean, downloads: boolean): () => void {
  const onClick = (event: MouseEvent) => {
    const link = (event.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
    if (!link || !/^https?:$/.test(link.protocol)) return;
    if (downloads && (FILE.test(link.pathname) || link.hasAttribute('download'))) emit('event', 'File Download', { url: link.href });
    else if (outbound && link.host !== location.host) emit('event', 'Outbound Link: Click', { url: link.href });
  };
  EVENTS.forEach((type) => document.addEventListener(type, onClick, true));
  return () => EVENTS.forEach((type) => document.removeEventListener(type, onClick, true));
}
