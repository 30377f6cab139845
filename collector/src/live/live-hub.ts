import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LiveSnapshot } from './live-snapshot.js';
import { SSE_PING, sseFrame } from './sse-frame.js';

export interface LiveHubOptions {
  /** Builds the current snapshot of a site (e.g. `(site) => liveSnapshot(site, clock(), rollups, recent)`). */
  snapshot: (site: string) => LiveSnapshot;
  /** Updates to one site are sent at most once per this delay after a change. Default 250 ms. */
  coalesceMs?: number;
  /** `: ping` heartbeat period; each tick also re-checks snapshots (minute rollover). Default 15 s. */
  heartbeatMs?: number;
}

/** One connected stream, whatever the transport. */
interface Listener {
  /** Writes a frame; returns false when the transport's buffer is full. */
  send(frame: string): boolean;
  end(): void;
  /** The buffer is full: skip frames until it drains, then send the latest. */
  congested: boolean;
  latest: string | null;
}

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

/**
 * SSE fan-out for `GET /api/live`: `response(site)` for `Request -> Response` routes (web-standard
 * ReadableStream body) or `handle(req, res, site)` for plain node:http. One snapshot on connect,
 * then one coalesced snapshot per site after `notify` when its content changed. Listeners are
 * removed when their connection closes or the stream is cancelled; timers run only while someone listens.
 */
export class LiveHub {
  private readonly snapshot: (site: string) => LiveSnapshot;
  private readonly coalesceMs: number;
  private readonly heartbeatMs: number;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** Last sent snapshot per site without `now`, to skip unchanged updates. */
  private readonly lastSent = new Map<string, string>();
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(options: LiveHubOptions) {
    this.snapshot = options.snapshot;
    this.coalesceMs = options.coalesceMs ?? 250;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
  }

  get listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  /**
   * A live stream for `site` as a web Response (the caller has checked the token and the site id).
   * The stream's cleanup runs when the reader cancels (client gone) or `signal` aborts.
   */
  response(site: string, signal?: AbortSignal): Response {
    const encoder = new TextEncoder();
    let detach = () => {};
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          const listener: Listener = {
            send: (frame) => {
              controller.enqueue(encoder.encode(frame));
              return (controller.desiredSize ?? 1) > 0;
            },
            end: () => controller.close(),
            congested: false,
            latest: null,
          };
          detach = this.attach(site, listener);
          signal?.addEventListener('abort', () => detach(), { once: true });
        },
        pull: () => this.drained(site),
        cancel: () => detach(),
      },
      new CountQueuingStrategy({ highWaterMark: 16 }),
    );
    return new Response(body, { status: 200, headers: SSE_HEADERS });
  }

  /** Serves one live stream for `site` on a plain node:http response. */
  handle(req: IncomingMessage, res: ServerResponse, site: string): void {
    res.writeHead(200, SSE_HEADERS);
    const listener: Listener = { send: (frame) => res.write(frame), end: () => res.end(), congested: false, latest: null };
    const detach = this.attach(site, listener);
    req.once('close', detach);
    res.once('close', detach);
    res.on('error', detach);
    res.on('drain', () => this.resume(listener));
  }

  /** Registers a listener, sends the first snapshot; returns the (idempotent) cleanup. */
  private attach(site: string, listener: Listener): () => void {
    let set = this.listeners.get(site);
    if (!set) this.listeners.set(site, (set = new Set()));
    set.add(listener);
    let attached = true;
    const detach = () => {
      if (!attached) return;
      attached = false;
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(site) === set) this.forgetSite(site);
      if (this.listeners.size === 0) this.stopHeartbeat();
    };
    try {
      this.write(listener, this.frameFor(site));
      this.startHeartbeat();
    } catch (error) {
      detach();
      throw error;
    }
    return detach;
  }

  /** A web stream asked for more: resume its congested listeners of that site. */
  private drained(site: string): void {
    for (const listener of this.listeners.get(site) ?? []) if (listener.congested) this.resume(listener);
  }

  private resume(listener: Listener): void {
    listener.congested = false;
    if (listener.latest !== null) this.write(listener, listener.latest);
  }

  /** Call after an ingest changed data of these sites; sends within `coalesceMs` if the snapshot changed. */
  notify(sites: Iterable<string>): void {
    for (const site of sites) {
      if (!this.listeners.has(site) || this.pending.has(site)) continue;
      this.pending.set(site, setTimeout(() => {
        this.pending.delete(site);
        this.broadcast(site);
      }, this.coalesceMs));
    }
  }

  /** Ends every stream and stops timers (server shutdown). */
  close(): void {
    for (const set of this.listeners.values()) {
      for (const listener of set) {
        try {
          listener.end();
        } catch {
          // already closed by the client: nothing left to end
        }
      }
    }
    for (const site of [...this.listeners.keys()]) this.forgetSite(site);
    this.stopHeartbeat();
  }

  private broadcast(site: string): void {
    const set = this.listeners.get(site);
    if (!set) return;
    const snapshot = this.snapshot(site);
    const { now: _now, ...content } = snapshot;
    const key = JSON.stringify(content);
    if (this.lastSent.get(site) === key) return;
    this.lastSent.set(site, key);
    const frame = sseFrame('snapshot', JSON.stringify(snapshot));
    for (const listener of set) this.write(listener, frame);
  }

  private frameFor(site: string): string {
    const snapshot = this.snapshot(site);
    const { now: _now, ...content } = snapshot;
    this.lastSent.set(site, JSON.stringify(content));
    return sseFrame('snapshot', JSON.stringify(snapshot));
  }

  private write(listener: Listener, frame: string): void {
    if (listener.congested) {
      if (frame !== SSE_PING) listener.latest = frame;
      return;
    }
    listener.latest = null;
    try {
      if (!listener.send(frame)) listener.congested = true;
    } catch {
      // The stream closed under us; its close/cancel handler detaches it.
      listener.congested = true;
    }
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const [site, set] of this.listeners) {
        for (const listener of set) this.write(listener, SSE_PING);
        this.broadcast(site);
      }
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private forgetSite(site: string): void {
    this.listeners.delete(site);
    this.lastSent.delete(site);
    const timer = this.pending.get(site);
    if (timer) clearTimeout(timer);
    this.pending.delete(site);
  }
}
