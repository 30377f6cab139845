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

interface Listener {
  res: ServerResponse;
  /** The socket buffer is full: skip frames until 'drain', then send the latest. */
  congested: boolean;
  latest: string | null;
}

/**
 * SSE fan-out for `GET /api/live`, as a node:http handler. One snapshot on connect, then one
 * coalesced snapshot per site after `notify` when its content changed. Listeners are removed when
 * their connection closes; timers run only while someone listens.
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

  /** Serves one live stream for `site` (the caller has checked the token and the site id). */
  handle(req: IncomingMessage, res: ServerResponse, site: string): void {
    const listener: Listener = { res, congested: false, latest: null };
    let set = this.listeners.get(site);
    if (!set) this.listeners.set(site, (set = new Set()));
    set.add(listener);
    const cleanup = () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(site) === set) this.forgetSite(site);
      if (this.listeners.size === 0) this.stopHeartbeat();
    };
    req.once('close', cleanup);
    res.once('close', cleanup);
    res.on('error', cleanup);
    res.on('drain', () => {
      listener.congested = false;
      if (listener.latest !== null) this.write(listener, listener.latest);
    });
    try {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      this.write(listener, this.frameFor(site));
      this.startHeartbeat();
    } catch (error) {
      cleanup();
      res.destroy(error as Error);
    }
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
    for (const set of this.listeners.values()) for (const listener of set) listener.res.end();
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
    if (!listener.res.write(frame)) listener.congested = true;
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
