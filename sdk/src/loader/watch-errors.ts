import type { Emit } from './emit.js';

/** Uncaught errors and unhandled rejections, each message once, at most `limit` per page. */
export function watchErrors(emit: Emit, limit = 10): () => void {
  const seen = new Set<string>();
  const report = (message: string, source?: string) => {
    if (seen.size >= limit || seen.has(message)) return;
    seen.add(message);
    emit('error', message.slice(0, 300), source ? { source } : {});
  };
  const onError = (event: ErrorEvent) => report(event.message || 'Error', event.filename && `${event.filename}:${event.lineno}:${event.colno}`);
  const onRejection = (event: PromiseRejectionEvent) =>
    report(`Unhandled rejection: ${(event.reason as Error | undefined)?.message ?? String(event.reason)}`);
  addEventListener('error', onError);
  addEventListener('unhandledrejection', onRejection);
  return () => {
    removeEventListener('error', onError);
    removeEventListener('unhandledrejection', onRejection);
  };
}
