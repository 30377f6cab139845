import type { FilterDimension } from '../filters.js';
import { h } from '../lib/dom.js';
import { RankedList, type RankedItem } from '../lib/ranked-list.js';
import type { Stats } from '../lib/stats-types.js';

export interface BreakdownTab {
  label: string;
  /** Clicking a row sets this filter; undefined = rows are not clickable. */
  dimension?: FilterDimension;
  items: (stats: Stats) => RankedItem[] | undefined;
}

/**
 * A card with tabs (e.g. Pages: top / entry / exit) over one ranked list. Tabs whose data the
 * collector does not provide are hidden rather than shown empty.
 */
export class BreakdownCard {
  private readonly lists: RankedList[] = [];
  private readonly tabButtons: HTMLButtonElement[] = [];
  private readonly panels: HTMLDivElement[] = [];

  constructor(
    card: HTMLElement,
    private readonly tabs: readonly BreakdownTab[],
    onFilter: (dimension: FilterDimension, value: string) => void,
    maxRows = 8,
  ) {
    const header = card.querySelector('header')!;
    const tablist = h('div', { class: 'tabs', role: 'tablist' });
    tabs.forEach((tab, index) => {
      const button = h('button', { type: 'button', role: 'tab', class: 'tab' }, tab.label);
      button.addEventListener('click', () => this.select(index));
      button.addEventListener('keydown', (e) => this.arrowKeys(e, index));
      tablist.append(button);
      this.tabButtons.push(button);
      const rows = h('ol', { class: 'rows' });
      const panel = h('div', { class: 'panel', role: 'tabpanel', 'aria-label': tab.label }, rows);
      card.append(panel);
      this.panels.push(panel);
      const dimension = tab.dimension;
      this.lists.push(
        new RankedList(rows, {
          maxRows,
          emptyText: 'No data for this period.',
          onPick: dimension ? (key) => onFilter(dimension, key) : undefined,
        }),
      );
    });
    if (tabs.length > 1) header.append(tablist);
    this.select(0);
  }

  update(stats: Stats, selected: Map<FilterDimension, string>): void {
    this.tabs.forEach((tab, index) => {
      const items = tab.items(stats);
      this.tabButtons[index]!.hidden = items === undefined;
      const selectedKey = tab.dimension ? (selected.get(tab.dimension) ?? null) : null;
      this.lists[index]!.update(items ?? [], selectedKey);
    });
  }

  private select(index: number): void {
    this.tabButtons.forEach((b, i) => {
      b.setAttribute('aria-selected', String(i === index));
      b.tabIndex = i === index ? 0 : -1;
    });
    this.panels.forEach((p, i) => (p.hidden = i !== index));
  }

  /** WAI-ARIA tabs pattern: arrow keys move between tabs. */
  private arrowKeys(event: KeyboardEvent, index: number): void {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const step = event.key === 'ArrowRight' ? 1 : -1;
    let next = index;
    do next = (next + step + this.tabs.length) % this.tabs.length;
    while (this.tabButtons[next]!.hidden && next !== index);
    this.select(next);
    this.tabButtons[next]!.focus();
  }
}
