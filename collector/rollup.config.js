// Builds the dashboard into dist/dashboard/: index.html, assets/dashboard.js (one bundle, uPlot
// included), assets/dashboard.css (uPlot's stylesheet + ours), assets/favicon.svg. No inline script or
// style anywhere, so the collector can serve it under `script-src 'self'; style-src 'self'`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const require = createRequire(import.meta.url);
const dashboard = new URL('./dashboard/', import.meta.url);
const read = (path) => readFileSync(path, 'utf8');

/** Emits the static files next to the bundle. */
function dashboardAssets() {
  return {
    name: 'wisp-dashboard-assets',
    generateBundle() {
      const css = read(require.resolve('uplot/dist/uPlot.min.css')) + '\n' + read(new URL('styles.css', dashboard));
      this.emitFile({ type: 'asset', fileName: 'assets/dashboard.css', source: css });
      this.emitFile({ type: 'asset', fileName: 'assets/favicon.svg', source: read(new URL('favicon.svg', dashboard)) });
      this.emitFile({ type: 'asset', fileName: 'index.html', source: read(new URL('index.html', dashboard)) });
    },
  };
}

export default [
  {
    input: 'dashboard/main.ts',
    output: { dir: 'dist/dashboard', entryFileNames: 'assets/dashboard.js', format: 'es' },
    plugins: [nodeResolve(), typescript({ tsconfig: 'dashboard/tsconfig.json' }), terser(), dashboardAssets()],
  },
  {
    // The filter parser and its SQL conditions as standalone modules the server can import at run time.
    input: { filters: 'dashboard/filters.ts', 'filters-sql': 'dashboard/filters-sql.ts' },
    output: { dir: 'dist/dashboard', entryFileNames: '[name].js', format: 'es' },
    plugins: [typescript({ tsconfig: 'dashboard/tsconfig.json' })],
  },
];
