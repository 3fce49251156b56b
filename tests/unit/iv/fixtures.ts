import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Rows of a committed reference CSV (tests/fixtures/iv), as records of strings. */
export function readFixture(name: string): Record<string, string>[] {
  const path = fileURLToPath(new URL(`../../fixtures/iv/${name}`, import.meta.url));
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const cols = head.split(',');
  return lines.map((l) => {
    const f = l.split(',');
    return Object.fromEntries(cols.map((c, i) => [c, f[i]]));
  });
}

/** Contract tolerance of section 0: |x − ref| ≤ tol·max(1, |ref|). */
export function within(x: number, ref: number, tol: number): boolean {
  return Math.abs(x - ref) <= tol * Math.max(1, Math.abs(ref));
}
