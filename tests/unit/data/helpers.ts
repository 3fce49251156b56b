import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Sha256 } from '../../../src/engine/core/hash';
import type { Bars } from '../../../src/engine/contracts';
import { ImportError } from '../../../src/engine/data/errors';
import { type ImportResult, importCsvText } from '../../../src/engine/data/normalize';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/data/', import.meta.url));
export const REAL = fileURLToPath(new URL('../../../../shared/data/real/', import.meta.url));

export function imp(text: string, file = 'test.csv'): ImportResult {
  return importCsvText(text, { file });
}

export function importError(text: string, file = 'test.csv'): ImportError {
  try {
    importCsvText(text, { file });
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('expected an ImportError');
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/** SHA-256 over ts, open, high, low, close, volume as float64 little-endian (same as quality_ref.py). */
export function barsDigest(b: Bars): string {
  const h = new Sha256();
  for (const col of [b.ts, b.open, b.high, b.low, b.close, b.volume]) {
    h.update(new Uint8Array(col.buffer, col.byteOffset, col.byteLength));
  }
  return h.hex();
}

/** Deep comparison: same keys in the same order, integers and strings exact, floats within 1e-9 relative. */
export function diffJson(got: unknown, ref: unknown, path = '$', out: string[] = []): string[] {
  if (out.length > 20) return out;
  if (typeof ref === 'number' && typeof got === 'number') {
    if (Number.isInteger(ref) && Number.isInteger(got)) {
      if (got !== ref) out.push(`${path}: ${got} != ${ref}`);
    } else if (!(Math.abs(got - ref) <= 1e-9 * Math.max(1, Math.abs(ref)))) {
      out.push(`${path}: ${got} != ${ref}`);
    }
    return out;
  }
  if (Array.isArray(ref)) {
    if (!Array.isArray(got) || got.length !== ref.length) {
      out.push(`${path}: length ${Array.isArray(got) ? got.length : typeof got} != ${ref.length}`);
      return out;
    }
    for (let i = 0; i < ref.length; i++) diffJson(got[i], ref[i], `${path}[${i}]`, out);
    return out;
  }
  if (ref !== null && typeof ref === 'object') {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) {
      out.push(`${path}: not an object`);
      return out;
    }
    const rk = Object.keys(ref);
    const gk = Object.keys(got);
    if (rk.join(',') !== gk.join(',')) out.push(`${path}: keys [${gk}] != [${rk}]`);
    for (const k of rk) diffJson((got as Record<string, unknown>)[k], (ref as Record<string, unknown>)[k], `${path}.${k}`, out);
    return out;
  }
  if (got !== ref) out.push(`${path}: ${JSON.stringify(got)} != ${JSON.stringify(ref)}`);
  return out;
}
