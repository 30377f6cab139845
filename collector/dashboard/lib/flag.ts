/**
 * "DE" -> 🇩🇪 from regional-indicator letters: no flag images to ship or license. Unknown or
 * malformed codes get a neutral globe.
 */
export function flagEmoji(countryCode: string): string {
  if (!/^[A-Za-z]{2}$/.test(countryCode)) return '🌐';
  const base = 0x1f1e6 - 'A'.charCodeAt(0);
  const upper = countryCode.toUpperCase();
  return String.fromCodePoint(base + upper.charCodeAt(0), base + upper.charCodeAt(1));
}

const names = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'region' }) : null;

/** "DE" -> "Germany" (the browser knows the names; falls back to the code). */
export function countryName(countryCode: string): string {
  if (!/^[A-Za-z]{2}$/.test(countryCode)) return countryCode || 'Unknown';
  try {
    return names?.of(countryCode.toUpperCase()) ?? countryCode;
  } catch {
    return countryCode;
  }
}
