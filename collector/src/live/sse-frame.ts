/**
 * One Server-Sent Events message. Every line of `data` gets its own `data:` field and CR/LF are
 * stripped from the event name, so no payload can inject fields or split the message
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
 */
export function sseFrame(event: string, data: string): string {
  const name = event.replace(/[\r\n]/g, '');
  const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`).join('');
  return `event: ${name}\n${lines}\n`;
}

/** Heartbeat comment: keeps proxies and the browser from timing the stream out. */
export const SSE_PING = ': ping\n\n';
