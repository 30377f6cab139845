import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CollectorProcess } from '../support/collector-process.js';

/** Environment for `spawnCollector` that preloads memory-probe.cjs (a GC + memory report on SIGUSR2). */
export const memoryProbeEnv = {
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${fileURLToPath(new URL('./memory-probe.cjs', import.meta.url))}`.trim(),
};

/** One look at a collector's memory, bytes. */
export interface MemorySample {
  /** Resident set size (what the OS sees; includes what the allocators keep but do not use). */
  rss: number;
  /** Live JS heap right after a full GC. */
  heapUsed: number;
  /** What V8 keeps reserved for its heap after that GC (used or not). */
  heapTotal: number;
  /** Memory of C++ objects tied to JS objects (Buffers, ArrayBuffers, ...), after the GC. */
  external: number;
  /** What DuckDB's buffer manager holds (`wisp_store_memory_bytes` of /metrics). */
  store: number;
  /** Late events waiting for session reconciliation (`wisp_stream_queue_depth`): a backlog, not a byte count. */
  lateQueue: number;
  /** Connected /api/live streams (`wisp_live_connections`). */
  liveStreams: number;
  /** libuv handles in use: sockets, timers, servers (`wisp_nodejs_active_handles_total`). */
  handles: number;
}

const PROBE_LINE = /^wisp-memory-probe (\{.*\})$/gm;

/** Forces a full GC in the collector (it must run with `memoryProbeEnv`) and samples its memory. */
export async function sampleMemory(collector: CollectorProcess): Promise<MemorySample> {
  const before = [...collector.output().matchAll(PROBE_LINE)].length;
  collector.process.kill('SIGUSR2');
  const deadline = Date.now() + 10_000;
  let lines = [...collector.output().matchAll(PROBE_LINE)];
  while (lines.length === before) {
    if (Date.now() > deadline) throw new Error(`no memory probe answer in 10 s (was the collector spawned with memoryProbeEnv?):\n${collector.output().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    lines = [...collector.output().matchAll(PROBE_LINE)];
  }
  const usage = JSON.parse(lines.at(-1)![1]!) as { heapUsed: number; heapTotal: number; external: number };
  const metrics = await (await fetch(`${collector.url}/metrics`)).text();
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
  return {
    rss: rssBytes(collector.process.pid!),
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    store: gauge('wisp_store_memory_bytes'),
    lateQueue: gauge('wisp_stream_queue_depth'),
    liveStreams: gauge('wisp_live_connections'),
    handles: gauge('wisp_nodejs_active_handles_total'),
  };
}

/** Resident set size of a process, bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) * 1024;
}

/** `RSS 134 MB, heap 40/52 MB, external 3 MB, store 12 MB, late queue 0, handles 9` */
export function formatMemory(sample: MemorySample): string {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  return (
    `RSS ${mb(sample.rss)} MB, heap ${mb(sample.heapUsed)}/${mb(sample.heapTotal)} MB, external ${mb(sample.external)} MB, ` +
    `store ${mb(sample.store)} MB, late queue ${sample.lateQueue}, live streams ${sample.liveStreams}, handles ${sample.handles}`
  );
}
