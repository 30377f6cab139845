import { COUNTRY_CENTROIDS } from '../lib/country-centroids.js';
import { countryName } from '../lib/flag.js';
import { worldOutlinePath } from '../lib/world-outline.js';
import type { Row } from '../lib/stats-types.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * A deliberately simple world map: hand-drawn coarse land outlines on an equirectangular graticule,
 * one dot per country at its approximate centre, area proportional to visitors. No map data set is
 * shipped (see docs/dashboard.md); the ranked list next to it carries the exact numbers.
 */
export function renderWorldMap(box: HTMLElement, countries: readonly Row[]): void {
  let svg = box.querySelector('svg');
  if (!svg) {
    svg = svgEl('svg', { viewBox: '-180 -84 360 150', role: 'img', preserveAspectRatio: 'xMidYMid meet' });
    svg.append(graticule(), svgEl('path', { d: worldOutlinePath(), class: 'land' }), svgEl('g', { class: 'dots' }));
    box.append(svg);
  }
  const max = Math.max(1, ...countries.map(visitors));
  const dots = svg.querySelector('g.dots')!;
  dots.replaceChildren(
    ...countries.flatMap((row) => {
      const centre = COUNTRY_CENTROIDS[row.key.toUpperCase()];
      if (!centre) return [];
      const r = 2 + 12 * Math.sqrt(visitors(row) / max);
      const dot = svgEl('circle', { cx: String(centre[1]), cy: String(-centre[0]), r: r.toFixed(2), class: 'dot' });
      const title = svgEl('title', {});
      title.textContent = `${countryName(row.key)}: ${visitors(row)}`;
      dot.append(title);
      return [dot];
    }),
  );
}

function visitors(row: Row): number {
  return row.visitors ?? row.pageviews ?? row.count ?? 0;
}

function graticule(): SVGGElement {
  const g = svgEl('g', { class: 'graticule' });
  for (let lon = -150; lon <= 150; lon += 30) g.append(svgEl('line', { x1: String(lon), y1: '-90', x2: String(lon), y2: '90' }));
  for (let lat = -60; lat <= 60; lat += 30) g.append(svgEl('line', { x1: '-180', y1: String(-lat), x2: '180', y2: String(-lat) }));
  g.append(svgEl('rect', { x: '-180', y: '-90', width: '360', height: '180', class: 'frame' }));
  return g;
}

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  return el;
}
