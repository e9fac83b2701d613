/**
 * JSON parsing that keeps 64-bit ids exact. `JSON.parse` turns 1390726237298631770 into
 * 1390726237298631700; Cliniko sends ids as strings, but a numeric id must still never be
 * silently rounded. Integer literals beyond Number.MAX_SAFE_INTEGER are quoted before parsing,
 * so they arrive as their exact decimal string.
 */

// A cheap pre-check: without 16 consecutive digits no integer can exceed 2^53 - 1.
const LONG_DIGIT_RUN = /\d{16}/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Parses JSON, returning unsafe integers as decimal strings. Throws SyntaxError like JSON.parse. */
export function parseLosslessJson(text: string): unknown {
  return JSON.parse(LONG_DIGIT_RUN.test(text) ? quoteUnsafeIntegers(text) : text);
}

/** Wraps integer literals outside strings whose magnitude exceeds MAX_SAFE_INTEGER in quotes. */
export function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      i = skipString(text, i);
      continue;
    }
    if (ch === 0x2d /* - */ || (ch >= 0x30 && ch <= 0x39)) {
      const end = numberEnd(text, i);
      const literal = text.slice(i, end);
      if (isUnsafeInteger(literal)) {
        out += `${text.slice(copiedUpTo, i)}"${literal}"`;
        copiedUpTo = end;
      }
      i = end;
      continue;
    }
    i += 1;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

/** Index just past the closing quote of the string starting at `start` (or the text's end). */
function skipString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 0x5c /* \ */) i += 2;
    else if (ch === 0x22) return i + 1;
    else i += 1;
  }
  return i;
}

function numberEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && /[0-9eE.+-]/.test(text.charAt(i))) i += 1;
  return i;
}

function isUnsafeInteger(literal: string): boolean {
  if (!/^-?(0|[1-9]\d*)$/.test(literal)) return false;
  const digits = literal.startsWith('-') ? literal.slice(1) : literal;
  if (digits.length < 16) return false;
  return BigInt(digits) > MAX_SAFE;
}
