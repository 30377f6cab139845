import { scrubText } from '../scrub-text.js';

/**
 * Scrubs one URL component (a path segment, a query value) in both its raw and percent-decoded
 * forms, so `john%40example.com` is caught like `john@example.com`. Unchanged input is returned
 * byte for byte; changed input is re-encoded, keeping the `[marker]` brackets readable.
 */
export function scrubComponent(raw: string): string {
  const direct = scrubText(raw);
  if (direct !== raw || !raw.includes('%')) return direct;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
  const scrubbed = scrubText(decoded);
  if (scrubbed === decoded) return raw;
  return encodeURIComponent(scrubbed).replace(/%5B/g, '[').replace(/%5D/g, ']');
}
