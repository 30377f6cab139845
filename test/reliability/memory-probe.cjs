// Preloaded into a collector child process (NODE_OPTIONS=--require) by the memory checks of the
// reliability tests: on SIGUSR2 it runs a full garbage collection and prints one line with
// process.memoryUsage(), so a test can tell live JS heap from memory the process merely keeps (RSS).
// CommonJS because --require loads it before the collector's ES modules.
'use strict';
const v8 = require('node:v8');
const vm = require('node:vm');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

process.on('SIGUSR2', () => {
  // Twice: the first pass may only free what finalizers of the previous one released.
  gc();
  gc();
  const usage = process.memoryUsage();
  process.stderr.write(`wisp-memory-probe ${JSON.stringify({ ...usage, at: Date.now() })}\n`);
});
