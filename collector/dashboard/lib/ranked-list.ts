import { h } from './dom.js';
import { formatCount } from './format.js';

export interface RankedItem {
  key: string;
  label: string;
  value: number;
  /** Shown before the label (a flag, for example). */
  icon?: string;
  /** Extra line under the label (event props, for example). */
  detail?: string;
}

export interface RankedListOptions {
  /** Rows kept; the list reserves their height up front so data arriving never moves the page. */
  maxRows: number;
  /** Rows become buttons calling this (filter clicks); omitted = plain rows. */
  onPick?: (key: string) => void;
  emptyText: string;
}

/**
 * A keyed, bar-backed list that reuses row elements across updates and animates reordering (FLIP),
 * so live top-pages can move without flicker and keyboard focus survives an update.
 */
export class RankedList {
  private readonly rows = new Map<string, HTMLLIElement>();
  private readonly empty: HTMLParagraphElement;

  constructor(
    private readonly list: HTMLOListElement,
    private readonly options: RankedListOptions,
  ) {
    this.empty = h('p', { class: 'empty' }, options.emptyText);
    list.after(this.empty);
  }

  update(items: readonly RankedItem[], selectedKey: string | null = null): void {
    const shown = [...items].sort((a, b) => b.value - a.value).slice(0, this.options.maxRows);
    const max = Math.max(1, ...shown.map((i) => i.value));
    const before = new Map<string, number>();
    for (const [key, li] of this.rows) before.set(key, li.offsetTop);

    const keep = new Set(shown.map((i) => i.key));
    for (const [key, li] of this.rows) {
      if (!keep.has(key)) {
        li.remove();
        this.rows.delete(key);
      }
    }
    for (const item of shown) {
      const li = this.rows.get(item.key) ?? this.createRow(item.key);
      fillRow(li, item, item.value / max, item.key === selectedKey);
      this.list.append(li);
    }
    this.empty.hidden = shown.length > 0;
    this.list.dataset.count = String(shown.length);

    for (const [key, li] of this.rows) {
      const old = before.get(key);
      const dy = old === undefined ? 0 : old - li.offsetTop;
      if (dy !== 0 && typeof li.animate === 'function') {
        li.animate([{ transform: `translateY(${dy}px)` }, { transform: 'none' }], { duration: 250, easing: 'ease-out' });
      }
    }
  }

  private createRow(key: string): HTMLLIElement {
    const inner = this.options.onPick
      ? h('button', { type: 'button', class: 'row' })
      : h('div', { class: 'row' });
    if (this.options.onPick) {
      const pick = this.options.onPick;
      inner.addEventListener('click', () => pick(key));
    }
    inner.append(h('span', { class: 'bar' }), h('span', { class: 'label' }), h('span', { class: 'value' }));
    const li = h('li', { 'data-key': key }, inner);
    this.rows.set(key, li);
    return li;
  }
}

function fillRow(li: HTMLLIElement, item: RankedItem, share: number, selected: boolean): void {
  const row = li.firstElementChild as HTMLElement;
  const [bar, label, value] = row.children as unknown as [HTMLElement, HTMLElement, HTMLElement];
  // CSSOM writes are allowed under a strict style-src CSP (only style attributes/elements are not).
  bar.style.transform = `scaleX(${share.toFixed(4)})`;
  label.replaceChildren(
    ...(item.icon ? [h('span', { class: 'icon', 'aria-hidden': 'true' }, item.icon)] : []),
    h('span', { class: 'text' }, item.label),
    ...(item.detail ? [h('small', { class: 'detail' }, item.detail)] : []),
  );
  value.textContent = formatCount(item.value);
  value.dataset.value = String(item.value);
  row.title = `${item.label}: ${formatCount(item.value)}`;
  row.classList.toggle('selected', selected);
  if (row instanceof HTMLButtonElement) row.setAttribute('aria-pressed', String(selected));
}
