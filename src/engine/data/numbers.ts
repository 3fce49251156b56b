/**
 * Decimal number fields of an imported file, parsed straight from a range of the text (no
 * substring in the common case).
 *
 * Accepted grammar (after trimming spaces and tabs): `[+-]? (digits [. digits?] | . digits)
 * ([eE] [+-]? digits)?`. Anything else — empty text, a thousands separator, a decimal comma,
 * hex, "NaN", "inf" — is missing (NaN), and so is a value that overflows to ±Infinity.
 *
 * Results are correctly rounded (identical to `Number(text)` / Python `float(text)`): short
 * inputs use Clinger's fast path (digits as an integer < 2^53 and |power of ten| ≤ 22, where one
 * IEEE multiplication or division of two exact values is correctly rounded); others fall back to
 * `Number` on the already validated text.
 */

/** 10^0 … 10^22, each exact in a double */
export const POW10 = new Float64Array(23);
for (let i = 0, p = 1; i < 23; i++, p *= 10) POW10[i] = p;

const MAX_EXACT = 2 ** 53;
const SPACE = 32;
const TAB = 9;

export function parseNumberRange(text: string, s: number, e: number): number {
  while (s < e) {
    const c = text.charCodeAt(s);
    if (c !== SPACE && c !== TAB) break;
    s++;
  }
  while (e > s) {
    const c = text.charCodeAt(e - 1);
    if (c !== SPACE && c !== TAB) break;
    e--;
  }
  if (s >= e) return Number.NaN;
  const begin = s;
  let i = s;
  let neg = false;
  let c = text.charCodeAt(i);
  if (c === 45 || c === 43) {
    neg = c === 45;
    i++;
  }
  // mant accumulates every digit: exact while < 2^53 (checked before the fast path is used)
  let mant = 0;
  let scale = 0; // power of ten to apply to mant
  const intStart = i;
  while (i < e) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    mant = mant * 10 + d;
    i++;
  }
  let digits = i - intStart;
  if (i < e && text.charCodeAt(i) === 46) {
    i++;
    const fracStart = i;
    while (i < e) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      mant = mant * 10 + d;
      i++;
    }
    digits += i - fracStart;
    scale = fracStart - i;
  }
  if (digits === 0) return Number.NaN;
  if (i < e) {
    c = text.charCodeAt(i);
    if (c !== 101 && c !== 69) return Number.NaN;
    i++;
    let eneg = false;
    if (i < e) {
      c = text.charCodeAt(i);
      if (c === 45 || c === 43) {
        eneg = c === 45;
        i++;
      }
    }
    let ex = 0;
    let edigits = 0;
    while (i < e) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      if (ex < 100_000) ex = ex * 10 + d;
      edigits++;
      i++;
    }
    if (edigits === 0 || i < e) return Number.NaN;
    scale += eneg ? -ex : ex;
  }
  let v: number;
  if (mant === 0) {
    v = 0;
  } else if (mant < MAX_EXACT && scale >= -22 && scale <= 22) {
    v = scale >= 0 ? mant * POW10[scale] : mant / POW10[-scale];
  } else {
    v = Math.abs(Number(text.slice(begin, e)));
  }
  if (v === Number.POSITIVE_INFINITY) return Number.NaN;
  return neg ? -v : v;
}

/** `parseNumberRange` over a whole string. */
export function parseNumber(text: string): number {
  return parseNumberRange(text, 0, text.length);
}

// Validated number text is ASCII, where windows-1252 ("latin1") decodes byte for byte.
const ASCII = new TextDecoder('latin1');

/**
 * `parseNumberRange` over bytes `b[s, e)` of UTF-8 text: the same grammar and the same results
 * (any non-ASCII byte is simply not part of the grammar), without decoding the text first.
 */
export function parseNumberBytes(b: Uint8Array, s: number, e: number): number {
  while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
  while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
  if (s >= e) return Number.NaN;
  const begin = s;
  let i = s;
  let neg = false;
  let c = b[i];
  if (c === 45 || c === 43) {
    neg = c === 45;
    i++;
  }
  let mant = 0;
  let scale = 0;
  const intStart = i;
  while (i < e) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) break;
    mant = mant * 10 + d;
    i++;
  }
  let digits = i - intStart;
  if (i < e && b[i] === 46) {
    i++;
    const fracStart = i;
    while (i < e) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) break;
      mant = mant * 10 + d;
      i++;
    }
    digits += i - fracStart;
    scale = fracStart - i;
  }
  if (digits === 0) return Number.NaN;
  if (i < e) {
    c = b[i];
    if (c !== 101 && c !== 69) return Number.NaN;
    i++;
    let eneg = false;
    if (i < e) {
      c = b[i];
      if (c === 45 || c === 43) {
        eneg = c === 45;
        i++;
      }
    }
    let ex = 0;
    let edigits = 0;
    while (i < e) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) break;
      if (ex < 100_000) ex = ex * 10 + d;
      edigits++;
      i++;
    }
    if (edigits === 0 || i < e) return Number.NaN;
    scale += eneg ? -ex : ex;
  }
  let v: number;
  if (mant === 0) {
    v = 0;
  } else if (mant < MAX_EXACT && scale >= -22 && scale <= 22) {
    v = scale >= 0 ? mant * POW10[scale] : mant / POW10[-scale];
  } else {
    v = Math.abs(Number(ASCII.decode(b.subarray(begin, e))));
  }
  if (v === Number.POSITIVE_INFINITY) return Number.NaN;
  return neg ? -v : v;
}
