import type { TabMessage } from '../protocol.js';

/** The tabs of one site talk over `BroadcastChannel('wisp:<site>')`; a no-op where it is missing. */
export function openTabChannel(site: string, onMessage: (message: TabMessage) => void) {
  if (typeof BroadcastChannel === 'undefined') return { post() {}, close() {} };
  const channel = new BroadcastChannel(`wisp:${site}`);
  channel.onmessage = (message: MessageEvent<TabMessage>) => onMessage(message.data);
  return {
    post: (message: TabMessage) => channel.postMessage(message),
    close: () => channel.close(),
  };
}
