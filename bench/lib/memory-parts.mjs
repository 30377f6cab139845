import { readFileSync } from 'node:fs';

/** A process's `VmRSS` (or another /proc status field in kB) in MB. */
export function procStatusMb(pid, field = 'VmRSS') {
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1024;
}

/** A collector's memory by part (MB): its `wisp_memory_bytes{part}`, DuckDB's buffers, the JS heap, RSS. */
export async function memoryParts(url, pid) {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const parts = {};
  for (const [, part, bytes] of metrics.matchAll(/^wisp_memory_bytes\{part="([^"]+)"\} (\S+)$/gm)) parts[part] = Number(bytes) / 2 ** 20;
  const gauge = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN) / 2 ** 20;
  return {
    ...parts,
    'DuckDB buffers': gauge('wisp_store_memory_bytes'),
    'JS heap used': gauge('wisp_nodejs_heap_size_used_bytes'),
    'external (ArrayBuffers)': gauge('wisp_nodejs_external_memory_bytes'),
    RSS: procStatusMb(pid),
  };
}
