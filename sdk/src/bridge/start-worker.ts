import { proxy, wrap } from 'comlink';
import type { Remote } from 'comlink';
import type { PageStateListener, PipelineConfig, WorkerApi } from '../protocol.js';

const START_TIMEOUT_MS = 10_000;

/**
 * Starts the pipeline worker. A worker script on another origin cannot be constructed directly
 * (SecurityError), so a same-origin `blob:` module imports it; CSP may forbid that (`worker-src`)
 * and a wrong MIME type only fires `error` on the Worker, hence the race (TOOLCHAIN.md).
 * Rejects when the worker cannot run; the bridge then falls back to the main thread.
 */
export async function startWorker(workerUrl: URL, config: PipelineConfig, onPageState: PageStateListener) {
  let source = workerUrl.href;
  if (workerUrl.origin !== location.origin) {
    source = URL.createObjectURL(new Blob([`import ${JSON.stringify(source)};`], { type: 'text/javascript' }));
  }
  const worker = new Worker(source, { type: 'module' });
  const remote: Remote<WorkerApi> = wrap<WorkerApi>(worker);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => reject(new Error(`worker error ${event.message}`)));
    timer = setTimeout(() => reject(new Error('worker timeout')), START_TIMEOUT_MS);
  });
  try {
    await Promise.race([remote.start(config, proxy(onPageState)), failed]);
    return { remote, worker };
  } catch (error) {
    worker.terminate();
    throw error;
  } finally {
    clearTimeout(timer);
    if (source.startsWith('blob:')) URL.revokeObjectURL(source);
  }
}
