/**
 * SQL literals for ClickHouse 18.16, which has no query parameters: every value that reaches SQL text
 * goes through one of these. Strings are quoted with backslash escapes (ClickHouse string syntax).
 */
export function stringLiteral(value: string): string {
  return `'${value.replace(/[\\']/g, (char) => `\\${char}`)}'`;
}

/** An integer literal; throws on anything that is not a safe integer (never interpolate raw input). */
export function integerLiteral(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not a safe integer: ${value}`);
  return String(value);
}
