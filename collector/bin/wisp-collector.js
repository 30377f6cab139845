#!/usr/bin/env node
// CLI: `wisp-collector [--demo]`, configured by the WISP_* environment variables (see the contract).
import './v8-flags.js'; // first: see the file
import { join } from 'node:path';
import { ConfigError, startCollector } from '../dist/index.js';

let collector;
try {
  collector = await startCollector({ argv: process.argv.slice(2) });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`wisp-collector: ${error.message}`);
  process.exit(1);
}
if (collector.tokenCreated) {
  console.log(`wisp-collector token (shown once, saved in ${join(collector.dataDir, 'token')}): ${collector.token}`);
  console.log(`wisp-collector dashboard: ${collector.url}/?token=${collector.token}`);
}
console.log(`wisp-collector listening on ${collector.url}`);

// Graceful stop: finish queued commits, close the store. Every acknowledged event is already durable,
// so a stop that hangs (or a second signal) may exit without waiting.
const STOP_GRACE_MS = 5000;
// Ctrl-C under `npm start` reaches this process twice at once: from the terminal (to the whole process
// group) and forwarded by scripts/start.mjs. A repeat that soon after the first is the same
// request; exiting on it made every such stop unclean (no rollup snapshot, the journal left unloaded).
const REPEAT_WITHIN_MS = 1000;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    const first = Date.now();
    process.on(signal, () => {
      if (Date.now() - first > REPEAT_WITHIN_MS) process.exit(1);
    });
    setTimeout(() => {
      console.error(`wisp-collector: still closing after ${STOP_GRACE_MS} ms; exiting (acknowledged events are durable)`);
      process.exit(1);
    }, STOP_GRACE_MS).unref();
    await collector.close();
    process.exit(0);
  });
}
