import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

// Budgets from the SDK issue, in bytes of gzip (level 9), measured on the built files in sdk/dist
// (run `npm run build:sdk` first). "Everything the SDK ever loads" is the set of files one page
// loads on each path it can take; every path must fit.
const dist = new URL('../../../sdk/dist/', import.meta.url);
const FIRST_SCRIPT_BUDGET = 2.5 * 1024;
// "<= 16 KB gzip": read as 16,000 bytes, the stricter of KB and KiB.
const TOTAL_BUDGET = 16_000;

const gzipSize = (file: string) => {
  const path = new URL(file, dist);
  if (!existsSync(path)) throw new Error(`sdk/dist/${file} is missing: run \`npm run build:sdk\` first`);
  return gzipSync(readFileSync(path), { level: 9 }).length;
};
const sum = (files: string[]) => files.reduce((total, file) => total + gzipSize(file), 0);

const DEFAULT_PATH = ['wisp.min.js', 'wisp-bridge.js', 'wisp-worker.js', 'wisp-hash-core-wasm.js', 'wisp-vitals.js'];

/** Files loaded on each path (script tag build; the npm build's wisp.js replaces wisp.min.js). */
const PATHS: Record<string, string[]> = {
  'worker + IndexedDB + wasm core (default)': DEFAULT_PATH,
  'CSP without wasm-unsafe-eval (JS core)': ['wisp.min.js', 'wisp-bridge.js', 'wisp-worker.js', 'wisp-hash-core-js.js', 'wisp-vitals.js'],
  'npm build (wisp.js)': ['wisp.js', ...DEFAULT_PATH.slice(1)],
  'no IndexedDB (memory queue)': [...DEFAULT_PATH, 'wisp-memory-queue.js'],
  'opt-in clicks': [...DEFAULT_PATH, 'wisp-clicks.js'],
};

describe('SDK size budgets (gzip)', () => {
  it(`wisp.min.js <= ${FIRST_SCRIPT_BUDGET} bytes`, () => {
    expect(gzipSize('wisp.min.js')).toBeLessThanOrEqual(FIRST_SCRIPT_BUDGET);
    expect(gzipSize('wisp.js')).toBeLessThanOrEqual(FIRST_SCRIPT_BUDGET);
  });

  it.each(Object.entries(PATHS))(`%s <= ${TOTAL_BUDGET} bytes`, (_, files) => {
    expect(sum(files)).toBeLessThanOrEqual(TOTAL_BUDGET);
  });

  it('every browser chunk is on some path (a new lazy chunk cannot escape the budget)', () => {
    const onPaths = new Set(Object.values(PATHS).flat());
    const chunks = readdirSync(dist).filter((file) => /^wisp.*\.js$/.test(file));
    expect(chunks.filter((file) => !onPaths.has(file))).toEqual([]);
  });

  it('the loader holds no queue, wasm, scrub or beacon code', () => {
    const loader = readFileSync(new URL('wisp.min.js', dist), 'utf8');
    for (const marker of ['indexedDB', 'WebAssembly', '[email]', 'BeaconError', 'CompressionStream', 'sendBeacon']) {
      expect(loader, marker).not.toContain(marker);
    }
  });
});
