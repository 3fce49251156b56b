import { expect } from 'vitest';

/** Epoch day of an ISO date. */
export function day(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
}

export function days(...iso: string[]): Int32Array {
  return Int32Array.from(iso, day);
}

/** Contract tolerance: |x − ref| ≤ tol·max(1, |ref|). */
export function expectClose(actual: number | null | undefined, expected: number, tol = 1e-12): void {
  expect(actual).not.toBeNull();
  expect(actual).not.toBeUndefined();
  const a = actual as number;
  const err = Math.abs(a - expected);
  if (!(err <= tol * Math.max(1, Math.abs(expected)))) {
    throw new Error(`expected ${a} to be within ${tol}·max(1,|ref|) of ${expected} (error ${err})`);
  }
}

/** Bit-level equality of two float columns (NaN equals NaN, −0 ≠ +0). */
export function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
