/**
 * Does a run of token characters look like a generated secret rather than words? Slugs
 * (`top-10-javascript-frameworks-2026`) split on - and _ into short words; secrets have a long
 * part that mixes letters with several digits (session ids, API keys) or is long hex.
 */
export function looksSecret(run: string): boolean {
  for (const part of run.split(/[-_.~]/)) {
    if (part.length < 16) continue;
    const digits = part.replace(/\D/g, '').length;
    const letters = part.length - digits;
    if (/^[0-9a-f]{32,}$/i.test(part) && letters > 0) return true;
    if (part.length >= 20 && digits >= 2 && letters >= 2) {
      const mixedCase = /[a-z]/.test(part) && /[A-Z]/.test(part);
      if (mixedCase || digits / part.length >= 0.15) return true;
    }
  }
  return false;
}
