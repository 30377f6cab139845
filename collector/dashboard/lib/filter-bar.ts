import type { Filter } from '../filters.js';
import { h } from './dom.js';
import { countryName } from './flag.js';

/** The active filters as removable chips (each a button: Enter/Space removes it), and why a filters= was ignored. */
export function renderFilterBar(
  bar: HTMLElement,
  filters: readonly Filter[],
  onChange: (next: Filter[]) => void,
  problem = '',
): void {
  bar.hidden = filters.length === 0 && !problem;
  const chips = filters.map((f) => {
    const text = f.dimension === 'country' ? countryName(f.value) : f.value;
    const chip = h(
      'button',
      { type: 'button', class: 'chip', 'data-dimension': f.dimension, 'aria-label': `Remove filter ${f.dimension} ${text}` },
      h('span', { class: 'dim' }, f.dimension),
      ` ${text} `,
      h('span', { 'aria-hidden': 'true' }, '×'),
    );
    chip.addEventListener('click', () => onChange(filters.filter((other) => other !== f)));
    return chip;
  });
  if (filters.length > 1) {
    const clear = h('button', { type: 'button', class: 'link' }, 'Clear all');
    clear.addEventListener('click', () => onChange([]));
    chips.push(clear);
  }
  bar.replaceChildren(...chips, ...(problem ? [h('p', { class: 'filter-problem', role: 'alert' }, problem)] : []));
}
