// `npm start`: build whatever is missing, then run the collector with the demo site and dashboard
// on the embedded store. Extra arguments go to the collector (`npm start -- --help`).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const artefacts = [
  'sdk/dist/wisp.min.js',
  'sdk/dist/core.js',
  'collector/dist/index.js',
  'collector/dist/dashboard/index.html',
];

const missing = artefacts.filter((file) => !existsSync(new URL(`../${file}`, import.meta.url)));
if (missing.length > 0) {
  console.log(`wisp: building (missing ${missing.join(', ')})`);
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const collector = spawn(
  process.execPath,
  ['collector/bin/wisp-collector.js', '--demo', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
// Forward Ctrl-C / stop signals so the collector flushes and closes its store cleanly.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => collector.kill(signal));
}
collector.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
