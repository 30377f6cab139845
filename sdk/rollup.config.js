import { existsSync } from 'node:fs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

// One table of artefacts. Type checking and .d.ts files come from `tsc -p tsconfig.json`; rollup
// only transpiles, so the plugin gets a minimal config without outDir (see TOOLCHAIN.md).
const ts = () =>
  typescript({
    tsconfig: false,
    include: ['src/**/*.ts'],
    compilerOptions: { target: 'es2022', module: 'esnext', moduleResolution: 'bundler', lib: ['es2023', 'dom'], importHelpers: false },
  });
const min = () => terser({ ecma: 2020, module: true, toplevel: true, compress: { passes: 3, pure_getters: true, unsafe: true, unsafe_arrows: true, unsafe_methods: true } });

// The core engineer owns src/core; until it exists the SDK builds without it.
const hasCore = existsSync('src/core/index.ts');

export default [
  // Node / bundler libraries (the collector imports wisp/beacon and wisp/scrub): readable ESM.
  {
    input: { beacon: 'src/beacon/index.ts', scrub: 'src/scrub/index.ts', ...(hasCore ? { core: 'src/core/index.ts' } : {}) },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'lib-[name].js' },
    plugins: [ts()],
  },
  // Browser: the npm entry and every lazily loaded part, code-split with fixed names so the
  // loader can find them next to itself (or under options.sdkUrl).
  ...(existsSync('src/index.ts') && hasCore
    ? [
        {
          input: {
            wisp: 'src/index.ts',
            'wisp-bridge': 'src/bridge/index.ts',
            'wisp-worker': 'src/worker.ts',
            'wisp-vitals': 'src/vitals/index.ts',
            'wisp-clicks': 'src/loader/watch-clicks.ts',
          },
          // Fewer, larger files gzip better: comlink, the scrubber and the encoder ride in the bridge
          // (the worker imports them from there) and the core's shared helper in the worker (both
          // core chunks import it from there). Each saves ~150 bytes gzip against a separate chunk.
          preserveEntrySignatures: 'allow-extension',
          output: {
            dir: 'dist',
            format: 'es',
            entryFileNames: '[name].js',
            chunkFileNames: 'wisp-[name].js',
            manualChunks: (id, { getModuleInfo }) => {
              // The bridge also carries what the pagehide beacon needs (scrub, encoder), shared with the worker.
              if (/[\\/]node_modules[\\/]comlink[\\/]|[\\/]src[\\/](bridge|scrub|beacon)[\\/]|[\\/]pipeline[\\/](scrub-event|last-gasp-beacon)\.ts$/.test(id)) {
                return 'wisp-bridge';
              }
              const sharedByCores = /[\\/]src[\\/]core[\\/]lib[\\/]/.test(id) && getModuleInfo(id).importers.length > 1;
              if (sharedByCores || /[\\/]src[\\/]worker\.ts$/.test(id)) return 'wisp-worker';
              return undefined;
            },
          },
          plugins: [nodeResolve(), ts(), min()],
        },
        // The classic script-tag build: one small IIFE, no imports.
        {
          input: 'src/script.ts',
          output: { file: 'dist/wisp.min.js', format: 'iife' },
          plugins: [nodeResolve(), ts(), min()],
        },
      ]
    : []),
];
