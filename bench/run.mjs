// `npm run bench [-- name-filter]`: runs every bench/*.bench.mjs, each in its own Node process (so
// one benchmark's JIT and heap state cannot skew another), in name order, printing their output.
//
// Adding a benchmark: drop a `bench/<topic>.bench.mjs` that prints its tables; nothing to register.
// The helpers exported here keep benchmarks comparable:
//   measure(fn, { hashesPerCall }) -> median CPU ns per item over several timed rounds after a warm-up
//   measureInterleaved([{ fn, hashesPerCall }, ...]) -> the same for contenders compared side by side
//   machineDescription()           -> "CPU model, N cores, Node vX" for the results file
//   writeResultsSection(id, md)    -> replaces (or appends) your delimited section of bench/RESULTS.md
//   markdownTable(headers, rows)   -> a GitHub-flavoured table
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const resultsPath = new URL('RESULTS.md', import.meta.url);

/** Keeps results alive so the JIT cannot drop the measured work. */
export let sink;

// Time is this process's CPU time, not wall time: the machine is shared, and time spent descheduled
// by other work would otherwise land in whichever contender happened to be running.
function timeCalls(fn, calls) {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) sink = fn(i);
  const { user, system } = process.cpuUsage(start);
  return (user + system) * 1000;
}

/** Calls per round so one round takes ~roundMs, after warming `fn` up for warmupMs. */
function calibrate(fn, roundMs, warmupMs) {
  let calls = 8;
  while (timeCalls(fn, calls) < 5e6) calls *= 2;
  const perCallNs = timeCalls(fn, calls) / calls;
  for (let spent = 0; spent < warmupMs * 1e6;) spent += timeCalls(fn, calls);
  return Math.max(1, Math.round((roundMs * 1e6) / perCallNs));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Median CPU time per item of `fn(i)` (i = call index) in ns. Calibrates the call count to ~roundMs
 * per round, warms up for warmupMs, then times `rounds` rounds. `hashesPerCall` divides per-call time
 * when one call handles several items (batch APIs).
 */
export function measure(fn, { hashesPerCall = 1, rounds = 7, roundMs = 40, warmupMs = 60 } = {}) {
  return measureInterleaved([{ fn, hashesPerCall }], { rounds, roundMs, warmupMs })[0];
}

/**
 * Like `measure` for several contenders ({ fn, hashesPerCall }) at once, with their rounds taken in
 * turn (round 1 of each, then round 2 of each...), so a burst of load on a shared machine hits all
 * of them alike and the ratios between them stay meaningful. Returns median ns per item, in order.
 */
export function measureInterleaved(contenders, { rounds = 9, roundMs = 25, warmupMs = 60 } = {}) {
  const roundCalls = contenders.map(({ fn }) => calibrate(fn, roundMs, warmupMs));
  const samples = contenders.map(() => []);
  for (let r = 0; r < rounds; r++) {
    contenders.forEach(({ fn, hashesPerCall = 1 }, c) => {
      samples[c].push(timeCalls(fn, roundCalls[c]) / roundCalls[c] / hashesPerCall);
    });
  }
  return samples.map(median);
}

export function machineDescription() {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const lscpu = execFileSync('lscpu', { encoding: 'utf8' });
    model = /^Model name:\s*(.+)$/m.exec(lscpu)?.[1]?.trim() ?? model;
  } catch {
    // lscpu is Linux-only; os.cpus() is the fallback.
  }
  return `${model}, ${cpus().length} cores, Node ${process.version}`;
}

export function markdownTable(headers, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Writes `markdown` between `<!-- bench:id -->` markers in bench/RESULTS.md, leaving other sections alone. */
export function writeResultsSection(id, markdown) {
  const start = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '# Benchmark results\n\nWritten by `npm run bench` (bench/run.mjs).\n';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next = from >= 0 && to > from
    ? current.slice(0, from) + block + current.slice(to + end.length)
    : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(resultsPath, next);
}

function main() {
  const filter = process.argv[2] ?? '';
  const files = readdirSync(benchDir).filter((f) => f.endsWith('.bench.mjs') && f.includes(filter)).sort();
  if (files.length === 0) throw new Error(`no bench/*.bench.mjs matches "${filter}"`);
  console.log(`Machine: ${machineDescription()}\n`);
  let failed = 0;
  for (const file of files) {
    console.log(`=== ${file}`);
    const { status } = spawnSync(process.execPath, [fileURLToPath(new URL(file, import.meta.url))], { stdio: 'inherit' });
    if (status !== 0) failed++;
    console.log('');
  }
  if (failed > 0) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
