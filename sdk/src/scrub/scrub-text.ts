import { looksSecret } from './lib/looks-secret.js';
import { luhnValid } from './lib/luhn.js';

/** Replacement markers, kept short and URL-safe so scrubbed URLs still group by page. */
export const REDACTED = {
  email: '[email]',
  jwt: '[jwt]',
  uuid: '[uuid]',
  card: '[card]',
  phone: '[phone]',
  token: '[token]',
  ip: '[ip]',
  ua: '[ua]',
  ssn: '[ssn]',
} as const;

// Order matters: JWTs and UUIDs before tokens, cards before phones (both are digit runs).
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
// 13-19 digits, optionally grouped by single spaces or dashes; issuers start with 2-6.
const CARD = /(?<![\d-])[2-6]\d{3}(?:[ -]?\d){9,15}(?![\d-])/g;
// International (+CC ...) or North-American style with separators (space-only groups need an area
// code and exchange starting with 2-9): bare digit runs are left alone because they are far more
// often ids, prices or epoch times than phone numbers.
const PHONE = /(?<![\w+])(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){2,4}|\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|\d{3}[.-]\d{3}[.-]\d{4}|[2-9]\d\d [2-9]\d\d \d{4})(?!\w)/g;
// A US social security number is always 3-2-4 digits with dashes (ISBNs and dates have other shapes).
const SSN = /(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])/g;
// A browser User-Agent: `Mozilla/5.0` or `AppleWebKit/537.36` and the `(comment)` and
// `Product/version` tokens that follow. Runs before IPV4 (`Chrome/131.0.0.0`).
const UA = /\b(?:Mozilla|AppleWebKit)\/[\d.]+(?: ?\([^()]*\)| +\w[\w.-]*\/[\w.+-]+)*/g;
// Four dotted numbers (each checked <= 255), not glued to a word or another dot (so `/v1.2.3.4/` stays).
const IPV4 = /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?!\w|\.\w)/g;
// IPv6: eight hex groups, or groups on both sides of one `::`; a digit is required so C++ names
// like `a::b` stay, and no word or colon may touch it (clock times `19:52:45` have no `::`).
const IPV6 = /(?<![\w:.])(?=[\da-f:]*\d)(?:(?:[\da-f]{1,4}:){7}[\da-f]{1,4}|(?:[\da-f]{1,4}:)+(?::[\da-f]{1,4})+)(?![\w:])/gi;
const PREFIXED_SECRET = /\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|\bgh[pousr]_[A-Za-z0-9]{20,}|\bxox[abposr]-[A-Za-z0-9-]{10,}|\bAKIA[0-9A-Z]{16}\b/g;
const TOKEN_RUN = /[A-Za-z0-9_\-.~]{20,}/g;

/**
 * Redacts personal data and secrets inside free text (event names, prop values, URL parts):
 * e-mail addresses, JWTs, UUIDs, Luhn-valid payment-card numbers, phone numbers, US SSNs,
 * IPv4/IPv6 addresses, browser User-Agent strings, well-known API key shapes and long
 * random-looking tokens. Ordinary words, dates, versions, slugs and numbers pass untouched.
 * Pure: no DOM, runs in browsers, workers and Node.
 */
export function scrubText(text: string): string {
  if (text.length < 6) return text;
  return text
    .replace(JWT, REDACTED.jwt)
    .replace(EMAIL, REDACTED.email)
    .replace(UUID, REDACTED.uuid)
    .replace(PREFIXED_SECRET, REDACTED.token)
    .replace(UA, REDACTED.ua)
    .replace(IPV6, REDACTED.ip)
    .replace(IPV4, (match) => (match.split('.').every((octet) => +octet < 256) ? REDACTED.ip : match))
    .replace(SSN, REDACTED.ssn)
    .replace(CARD, (match) => (luhnValid(match) ? REDACTED.card : match))
    .replace(PHONE, REDACTED.phone)
    .replace(TOKEN_RUN, (match) => (looksSecret(match) ? REDACTED.token : match));
}
