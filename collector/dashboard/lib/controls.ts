import { byId, h } from './dom.js';
import { readStored, writeStored } from './token.js';
import type { RangeName, ViewState } from './view-state.js';
import { isTimeZone } from './zoned-time.js';

const SITES_KEY = 'wisp.sites';
const COMMON_ZONES = ['UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo', 'Australia/Sydney'];

/** Wires the header controls (site, range, custom days, time zone) to `onChange`. */
export function bindControls(onChange: (patch: Partial<ViewState>) => void): void {
  const siteInput = byId<HTMLInputElement>('site-input');
  byId<HTMLFormElement>('site-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const site = siteInput.value.trim();
    if (site) onChange({ site, filters: '' });
  });
  siteInput.addEventListener('change', () => byId<HTMLFormElement>('site-form').requestSubmit());

  byId('range-picker').addEventListener('change', (e) => {
    const range = (e.target as HTMLInputElement).value as RangeName;
    byId('custom-range').hidden = range !== 'custom';
    if (range !== 'custom') onChange({ range });
    else byId<HTMLInputElement>('custom-from').focus();
  });
  byId<HTMLFormElement>('custom-range').addEventListener('submit', (e) => {
    e.preventDefault();
    const from = byId<HTMLInputElement>('custom-from').value;
    const to = byId<HTMLInputElement>('custom-to').value;
    onChange({ range: 'custom', from, to: to < from ? from : to });
  });

  const tzInput = byId<HTMLInputElement>('tz-input');
  byId('tz-list').replaceChildren(...COMMON_ZONES.map((zone) => h('option', { value: zone })));
  byId<HTMLFormElement>('tz-form').addEventListener('submit', (e) => e.preventDefault());
  tzInput.addEventListener('change', () => {
    const tz = tzInput.value.trim();
    const valid = tz === '' || isTimeZone(tz);
    tzInput.setCustomValidity(valid ? '' : 'Unknown time zone');
    tzInput.reportValidity();
    if (valid) onChange({ tz });
  });
}

/** Shows `state` in the controls and remembers the site in the picker's suggestions. */
export function syncControls(state: ViewState): void {
  byId<HTMLInputElement>('site-input').value = state.site;
  for (const radio of document.querySelectorAll<HTMLInputElement>('#range-picker input')) {
    radio.checked = radio.value === state.range;
  }
  byId('custom-range').hidden = state.range !== 'custom';
  if (state.range === 'custom') {
    byId<HTMLInputElement>('custom-from').value = state.from;
    byId<HTMLInputElement>('custom-to').value = state.to;
  }
  byId<HTMLInputElement>('tz-input').value = state.tz;

  const sites = new Set([state.site, ...(readStored(SITES_KEY) ?? '').split('\n').filter(Boolean)]);
  const recent = [...sites].slice(0, 10);
  writeStored(SITES_KEY, recent.join('\n'));
  byId('site-list').replaceChildren(...recent.map((site) => h('option', { value: site })));
}
