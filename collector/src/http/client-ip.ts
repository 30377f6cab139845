import type { IncomingMessage } from 'node:http';

/**
 * The client's address: the socket peer, or with `trustProxy` the left-most X-Forwarded-For entry
 * (the original client as seen by the first proxy). IPv4-mapped IPv6 is unwrapped.
 */
export function clientIp(request: IncomingMessage, trustProxy: boolean): string {
  let ip = request.socket.remoteAddress ?? '';
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) ip = first;
  }
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
