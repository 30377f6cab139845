const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const IDS_PER_REFILL = 64;
let pool = new Uint8Array(0);
let offset = 0;

/**
 * 12 base64url characters, 72 random bits: unique per event, kept through retries (dedup key),
 * and packed into 9 bytes by the beacon. Random bytes are drawn 64 ids at a time to keep track() cheap.
 */
export function newEventId(): string {
  if (offset + 12 > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(12 * IDS_PER_REFILL));
    offset = 0;
  }
  let id = '';
  for (let i = 0; i < 12; i++) id += ALPHABET[pool[offset++]! & 63];
  return id;
}
