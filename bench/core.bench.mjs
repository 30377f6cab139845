// Hashing core: Wisp's wasm (single and batched) and JS XXH64/SipHash-2-4 against xxhash-wasm,
// hash-wasm, node:crypto (SHA-256, HMAC-SHA256) and the `siphash` npm package, all in one process.
// Needs `npm run build:core`; uses sdk/dist/core.js when it is up to date, else transpiles sdk/src/core.
import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createXXHash64 } from 'hash-wasm';
import siphash from 'siphash';
import xxhash from 'xxhash-wasm';
import { machineDescription, markdownTable, measureInterleaved, writeResultsSection } from './run.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const BATCH = 50;
const SIZES = [32, 100, 200, 4096];
const TARGET_BATCH_VS_JS = 2;
const TARGET_SIPHASH_VS_HMAC = 10;

/** Newest mtime under a folder, to tell whether sdk/dist/core.js was built from the current sources. */
function newestMtime(dir) {
  return Math.max(...readdirSync(dir, { recursive: true }).map((f) => statSync(join(dir, f)).mtimeMs));
}

async function importWispCore() {
  const srcDir = join(root, 'sdk/src/core');
  if (!existsSync(join(srcDir, 'wasm-binary.generated.ts'))) throw new Error('run `npm run build:core` first');
  const dist = join(root, 'sdk/dist/core.js');
  if (existsSync(dist) && statSync(dist).mtimeMs >= newestMtime(srcDir)) {
    return { core: await import(dist), from: 'sdk/dist/core.js' };
  }
  // Compile-free fallback: transpile each source file as is (imports already end in .js).
  const ts = (await import('typescript')).default;
  const outDir = join(root, 'build/bench-core');
  for (const file of readdirSync(srcDir, { recursive: true }).filter((f) => f.endsWith('.ts'))) {
    const { outputText } = ts.transpileModule(readFileSync(join(srcDir, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    const outFile = join(outDir, file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, outputText);
  }
  return { core: await import(join(outDir, 'index.js')), from: `${relative(root, srcDir)} (transpiled to build/bench-core)` };
}

function randomAscii(length) {
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-_.?=&';
  let text = '';
  for (let i = 0; i < length; i++) text += chars[(Math.random() * chars.length) | 0];
  return text;
}

function randomBytes(length) {
  return Uint8Array.from({ length }, () => (Math.random() * 256) | 0);
}

/** A pool of distinct inputs (power-of-two count), plus the same inputs grouped into batches. */
function makeInputs(size) {
  const count = size > 1000 ? 64 : 1024;
  const pool = Array.from({ length: count }, () => (size > 1000 ? randomBytes(size) : randomAscii(size)));
  const batches = [];
  for (let i = 0; i + BATCH <= count; i += BATCH) batches.push(pool.slice(i, i + BATCH));
  return { pool, mask: count - 1, batches };
}

const { core: wispCore, from } = await importWispCore();
const wasm = await wispCore.loadCore();
const js = await wispCore.loadCoreJs();
const xx = await xxhash();
const hw = await createXXHash64();
const key = randomBytes(16);
const keyWords = new Uint32Array(key.buffer); // the siphash package takes the key as 4 little-endian u32s
const hmacKey = Buffer.from(key);

/** Contenders: [name, pure JS?, (inputs) => [fn, hashesPerCall]]. */
const contenders = [
  ['Wisp wasm xxh64, single', false, ({ pool, mask }) => [(i) => wasm.xxh64(pool[i & mask]), 1]],
  [`Wisp wasm xxh64, batch of ${BATCH}`, false, ({ batches }) => [(i) => wasm.xxh64Batch(batches[i % batches.length]), BATCH]],
  ['Wisp JS xxh64', true, ({ pool, mask }) => [(i) => js.xxh64(pool[i & mask]), 1]],
  ['Wisp wasm siphash24, single', false, ({ pool, mask }) => [(i) => wasm.siphash24(key, pool[i & mask]), 1]],
  [`Wisp wasm siphash24, batch of ${BATCH}`, false, ({ batches }) => [(i) => wasm.siphash24Batch(key, batches[i % batches.length]), BATCH]],
  ['Wisp JS siphash24', true, ({ pool, mask }) => [(i) => js.siphash24(key, pool[i & mask]), 1]],
  ['xxhash-wasm h64', false, ({ pool, mask }) => [
    (i) => (typeof pool[0] === 'string' ? xx.h64(pool[i & mask]) : xx.h64Raw(pool[i & mask])), 1]],
  ['hash-wasm xxh64', false, ({ pool, mask }) => [(i) => hw.init().update(pool[i & mask]).digest('binary'), 1]],
  ['node:crypto sha256', false, ({ pool, mask }) => [(i) => createHash('sha256').update(pool[i & mask]).digest(), 1]],
  ['node:crypto HMAC-SHA256', false, ({ pool, mask }) => [(i) => createHmac('sha256', hmacKey).update(pool[i & mask]).digest(), 1]],
  ['siphash (npm, pure JS)', true, ({ pool, mask }) => [(i) => siphash.hash(keyWords, pool[i & mask]), 1]],
];

const fmt = (ns) => (ns >= 100 ? ns.toFixed(0) : ns.toFixed(1));
const results = new Map(contenders.map(([name]) => [name, []])); // name -> ns per hash, one per size
for (const size of SIZES) {
  const inputs = makeInputs(size);
  const timings = measureInterleaved(contenders.map(([, , setup]) => {
    const [fn, hashesPerCall] = setup(inputs);
    return { fn, hashesPerCall };
  }));
  contenders.forEach(([name], c) => results.get(name).push(timings[c]));
}
const bestPureJs = SIZES.map((_, s) => Math.min(...contenders.filter((c) => c[1]).map(([name]) => results.get(name)[s])));
const sizeLabel = (size) => (size >= 1024 ? `${size / 1024} KB buffer` : `${size} B string`);
const mainTable = markdownTable(
  ['ns per hash (x faster than best pure JS)', ...SIZES.map(sizeLabel)],
  contenders.map(([name]) => [name, ...results.get(name).map((ns, s) => `${fmt(ns)} (${(bestPureJs[s] / ns).toFixed(2)}x)`)]),
);

// Visitor hashes in the collector: SipHash-2-4 keyed with the daily salt over site|ip|user-agent.
const uas = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
];
const visitorInputs = Array.from({ length: 1024 }, (_, i) =>
  `${(i * 37) % 251}.${(i * 11) % 256}.${i % 256}.${(i * 7) % 256}|${uas[i % uas.length]}|shop-${i % 5}.example.com`);
const visitorBatches = [];
for (let i = 0; i + BATCH <= visitorInputs.length; i += BATCH) visitorBatches.push(visitorInputs.slice(i, i + BATCH));
const avgBytes = visitorInputs.reduce((sum, s) => sum + s.length, 0) / visitorInputs.length;
const visitorContenders = [
  ['Wisp wasm siphash24, single', (i) => wasm.siphash24(key, visitorInputs[i & 1023]), 1],
  [`Wisp wasm siphash24, batch of ${BATCH}`, (i) => wasm.siphash24Batch(key, visitorBatches[i % visitorBatches.length]), BATCH],
  ['Wisp JS siphash24', (i) => js.siphash24(key, visitorInputs[i & 1023]), 1],
  ['siphash (npm, pure JS)', (i) => siphash.hash(keyWords, visitorInputs[i & 1023]), 1],
  ['node:crypto HMAC-SHA256', (i) => createHmac('sha256', hmacKey).update(visitorInputs[i & 1023]).digest(), 1],
];
const visitorTimings = measureInterleaved(visitorContenders.map(([, fn, hashesPerCall]) => ({ fn, hashesPerCall })));
const visitorNs = new Map(visitorContenders.map(([name], c) => [name, visitorTimings[c]]));
const hmacNs = visitorNs.get('node:crypto HMAC-SHA256');
const visitorTable = markdownTable(
  [`keyed visitor hash, ip\\|ua\\|site (~${Math.round(avgBytes)} B)`, 'ns per hash', 'x faster than HMAC-SHA256'],
  [...visitorNs].map(([name, ns]) => [name, fmt(ns), `${(hmacNs / ns).toFixed(1)}x`]),
);

const batchIndex = contenders.findIndex(([name]) => name.startsWith('Wisp wasm xxh64, batch'));
const shortSizes = SIZES.map((size, s) => [size, s]).filter(([size]) => size <= 200);
const batchRatios = shortSizes.map(([size, s]) => [size, bestPureJs[s] / results.get(contenders[batchIndex][0])[s]]);
const sipRatio = hmacNs / visitorNs.get('Wisp wasm siphash24, single');
const verdict = (ok) => (ok ? 'met' : 'NOT met');
const targets = [
  `- Batched short-string hashing >= ${TARGET_BATCH_VS_JS}x the best pure-JS hash: ` +
    batchRatios.map(([size, r]) => `${size} B ${r.toFixed(2)}x`).join(', ') +
    ` -> **${verdict(batchRatios.every(([, r]) => r >= TARGET_BATCH_VS_JS))}**`,
  `- SipHash-2-4 >= ${TARGET_SIPHASH_VS_HMAC}x HMAC-SHA256 on ip\\|ua\\|site (single calls): ${sipRatio.toFixed(1)}x` +
    ` -> **${verdict(sipRatio >= TARGET_SIPHASH_VS_HMAC)}**`,
].join('\n');

const wasmBytes = statSync(join(root, 'build/core.wasm')).size;
const report = `## Hashing core

Machine: ${machineDescription()}, load average ${loadavg()[0].toFixed(1)} at the end. Run: ${new Date().toISOString().slice(0, 16)}Z, \`npm run bench\`, Wisp core from ${from}, core.wasm ${wasmBytes} bytes.
CPU time of this process (not wall time), median of 9 rounds per contender after a warm-up, rounds interleaved across\ncontenders so load bursts hit all alike; one process, inputs drawn from pools of distinct random strings/buffers.
Strings are hashed as UTF-8 (Wisp, xxhash-wasm \`h64\`, hash-wasm, node:crypto and \`siphash\` all encode per call);
"best pure JS" is the fastest of Wisp JS xxh64, Wisp JS siphash24 and the \`siphash\` package at that size.
The machine is shared (2 cores, other work running): treat figures as indicative, ratios as the result.

${mainTable}

${visitorTable}

Targets:
${targets}
`;
console.log(report);
writeResultsSection('core', report);
