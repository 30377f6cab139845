// The demo shop works offline only if its service worker cached every SDK file the page may import
// while offline; a renamed or new chunk missing from the list broke the offline spec once.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';

const sdkDist = new URL('../../../sdk/dist/', import.meta.url);
const serviceWorker = readFileSync(new URL('../../../demo/sw.js', import.meta.url), 'utf8');

test('the demo service worker precaches every browser file of the built SDK', () => {
  // Browser files: the script tag and the chunks it loads (wisp-*.js); wisp.js, core.js, beacon.js and
  // scrub.js are the npm entries, which the script tag never loads.
  const browserFiles = readdirSync(sdkDist).filter((file) => file === 'wisp.min.js' || /^wisp-.+\.js$/.test(file)).sort();
  const listed = [...serviceWorker.matchAll(/'(wisp[^']*\.js)'/g)].map((match) => match[1]!).sort();
  expect(browserFiles.length).toBeGreaterThan(3);
  expect(listed).toEqual(browserFiles);
});
