import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the proxy does to one request:
 * - `pass`: forwarded untouched;
 * - `reset`: the connection is destroyed before anything is forwarded;
 * - `reset-after`: forwarded (the target commits it), then the connection is destroyed instead of
 *   answering, so the client never learns it was accepted (the case that needs dedupe);
 * - `timeout`: nothing is forwarded and nothing answered for `timeoutMs`, then the connection is destroyed;
 * - `503`: answered 503 by the proxy without forwarding;
 * - `slow`: forwarded, the answer held back `slowMs` first.
 */
export type Fault = 'pass' | 'reset' | 'reset-after' | 'timeout' | '503' | 'slow';

export interface FaultProxyOptions {
  /** Where requests go, e.g. the collector's `http://127.0.0.1:PORT`. */
  target: string;
  /** Which requests may be faulted (default: every POST). Others always pass. */
  applies?: (request: IncomingMessage) => boolean;
  /** Probability of each fault (the rest pass); default none. Change later with `setFaults`. */
  faults?: Partial<Record<Exclude<Fault, 'pass'>, number>>;
  timeoutMs?: number;
  slowMs?: number;
  /** Seed of the fault dice, so a failing run can be repeated. */
  seed?: number;
  /** Headers added to every forwarded request (e.g. `x-forwarded-for` to play a real client IP). */
  addHeaders?: Record<string, string>;
}

export interface FaultProxy {
  url: string;
  /** Requests seen per outcome (faults injected and passes). */
  readonly counts: Record<Fault, number>;
  /** Bodies of every request the proxy saw (faulted or not), in order. */
  readonly bodies: Buffer[];
  setFaults(faults: FaultProxyOptions['faults']): void;
  /** Every request fails with a reset while down (a dead network), until `down(false)`. */
  down(isDown: boolean): void;
  close(): Promise<void>;
}

/** A tiny seeded PRNG (mulberry32): the fault sequence of a seed is repeatable. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fault-injecting HTTP/1.1 reverse proxy on 127.0.0.1 (resets, timeouts, 503s, slow answers). */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const dice = random(options.seed ?? 1);
  let faults = options.faults ?? {};
  let isDown = false;
  const counts: Record<Fault, number> = { pass: 0, reset: 0, 'reset-after': 0, timeout: 0, '503': 0, slow: 0 };
  const bodies: Buffer[] = [];
  const sockets = new Set<Socket>();
  const applies = options.applies ?? ((request) => request.method === 'POST');

  const choose = (request: IncomingMessage): Fault => {
    if (!applies(request)) return 'pass';
    if (isDown) return 'reset';
    let roll = dice();
    for (const [fault, p] of Object.entries(faults) as [Fault, number][]) {
      if (roll < p) return fault;
      roll -= p;
    }
    return 'pass';
  };

  const forward = (req: IncomingMessage, body: Buffer, onResponse: (res: IncomingMessage, payload: Buffer) => void, onError: () => void) => {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, ...options.addHeaders, host: target.host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => onResponse(res, Buffer.concat(chunks)));
        res.on('error', onError);
      },
    );
    upstream.on('error', onError);
    upstream.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const fault = choose(req);
    counts[fault]++;
    if (req.method === 'POST') bodies.push(body);
    const destroy = () => req.socket.destroy();
    const reply = (upstream: IncomingMessage, payload: Buffer) => {
      if (res.destroyed) return;
      res.writeHead(upstream.statusCode ?? 502, upstream.headers);
      res.end(payload);
    };
    switch (fault) {
      case 'reset':
        return destroy();
      case 'timeout':
        return void setTimeout(destroy, options.timeoutMs ?? 3000);
      case '503':
        res.writeHead(503, { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'retry-after': '1' });
        return void res.end('{"error":"unavailable","detail":"fault proxy"}');
      case 'reset-after':
        return forward(req, body, destroy, destroy);
      case 'slow':
        return forward(req, body, (upstream, payload) => setTimeout(() => reply(upstream, payload), options.slowMs ?? 1500), destroy);
      case 'pass':
        return forward(req, body, reply, () => {
          // The target is down (killed): the client sees a reset, like a dead server.
          destroy();
        });
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    bodies,
    setFaults: (next) => void (faults = next ?? {}),
    down: (next) => void (isDown = next),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
