// The wire between the main thread and the pipeline (worker or in-page), and between the
// pipelines of several tabs. Types only: comlink carries the calls, BroadcastChannel the tab messages.
import type { WireEvent } from './beacon/wire-event.js';

/** What the pipeline needs to know (a subset of `WispOptions`); plain data so it crosses postMessage. */
export interface PipelineConfig {
  site: string;
  endpoint: string;
  allowParams?: string[];
  /** Default 1,000. */
  maxQueuedEvents?: number;
  /** Default 7 days. */
  maxEventAgeMs?: number;
  /** Default 15 s. */
  flushIntervalMs?: number;
  debug?: boolean;
}

export interface FlushResult {
  sent: number;
  queued: number;
}

/**
 * This page's events the collector has not acknowledged yet, as a ready beacon split around
 * `sentAt` (the main thread writes the varint of `Date.now()` between `head` and `tail`).
 */
export interface LastGaspBeacon {
  head: Uint8Array;
  tail: Uint8Array;
}

/** What the main thread needs at `pagehide`, prepared by the pipeline whenever it changes. */
export interface PageState {
  /** Undelivered events of this page the pipeline has queued; null when there are none. */
  beacon: LastGaspBeacon | null;
  /** Ids of the events in `beacon`: the main thread does not send them again as unconfirmed. */
  ids: string[];
}

export type PageStateListener = (state: PageState) => void;

/** The pipeline's control API (exposed with comlink in the worker). */
export interface PipelineApi {
  /** Scrub, dedupe and persist; resolves once the events are in the queue. */
  add(events: WireEvent[]): Promise<void>;
  flush(): Promise<FlushResult>;
  /** Forget everything queued (opt-out). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** What the worker module exposes: one call that builds the pipeline inside the worker. */
export interface WorkerApi extends PipelineApi {
  start(config: PipelineConfig, onPageState: PageStateListener): Promise<void>;
}

/** Messages between the pipelines of several tabs of one site (BroadcastChannel `wisp:<site>`). */
export const enum TabMessageKind {
  /** A tab queued events: the sender should flush soon. */
  Queued = 1,
  /** The sender delivered these ids. */
  Delivered = 2,
}

export interface QueuedMessage {
  kind: TabMessageKind.Queued;
}

export interface DeliveredMessage {
  kind: TabMessageKind.Delivered;
  ids: string[];
}

export type TabMessage = QueuedMessage | DeliveredMessage;
