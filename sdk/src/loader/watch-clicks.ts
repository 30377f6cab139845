import type { Emit } from './emit.js';

const FILE = /\.(pdf|zip|gz|tgz|rar|7z|dmg|exe|msi|pkg|deb|rpm|apk|iso|csv|xlsx?|docx?|pptx?|odt|ods|mp3|mp4|mov|wav|epub)$/i;

/** Opt-in: clicks (and middle clicks) on links to other hosts and on file links. */
export function watchClicks(emit: Emit, outbound: boolean, downloads: boolean): () => void {
  const onClick = (event: MouseEvent) => {
    const link = (event.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
    if (!link || !/^https?:$/.test(link.protocol)) return;
    if (downloads && (FILE.test(link.pathname) || link.hasAttribute('download'))) emit('event', 'File Download', { url: link.href });
    else if (outbound && link.host !== location.host) emit('event', 'Outbound Link: Click', { url: link.href });
  };
  document.addEventListener('click', onClick, true);
  document.addEventListener('auxclick', onClick, true);
  return () => {
    document.removeEventListener('click', onClick, true);
    document.removeEventListener('auxclick', onClick, true);
  };
}
