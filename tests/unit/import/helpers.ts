import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Bars } from '../../../src/engine/contracts';
import type { JobContext } from '../../../src/engine/core/context';
import type { ImportFileData } from '../../../src/storage/sources/file-import';

export const REAL = fileURLToPath(new URL('../../../../shared/data/real/', import.meta.url));

/** A real file of the shared data as an import input (content as bytes). */
export function realFile(rel: string, path?: string): ImportFileData {
  const abs = `${REAL}${rel}`;
  const buf = readFileSync(abs);
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  return {
    name,
    path: path ?? name,
    size: statSync(abs).size,
    lastModified: 0,
    bytes: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer,
  };
}

/** An in-memory text file as an import input (content as a Blob, streamed like a File). */
export function textFile(name: string, text: string, path?: string): ImportFileData {
  const blob = new Blob([text]);
  return { name, path: path ?? name, size: blob.size, lastModified: 0, blob };
}

export function readReal(rel: string): string {
  return readFileSync(`${REAL}${rel}`, 'utf8');
}

/** A context that records progress and can be cancelled after `cancelAfterYields` yields. */
export function testContext(cancelAfterYields = Number.POSITIVE_INFINITY): JobContext & { stages: string[]; fractions: number[]; yields: number } {
  const state = { stages: [] as string[], fractions: [] as number[], yields: 0 };
  return {
    signal: {
      get cancelled() {
        return state.yields >= cancelAfterYields;
      },
    },
    progress(f, s) {
      state.fractions.push(f);
      state.stages.push(s);
    },
    async yield() {
      state.yields++;
    },
    get stages() {
      return state.stages;
    },
    get fractions() {
      return state.fractions;
    },
    get yields() {
      return state.yields;
    },
  };
}

export function bitsEqual(a: Bars, b: Bars): boolean {
  for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
    const x = a[k];
    const y = b[k];
    if (x.length !== y.length) return false;
    const u = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    const v = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
    for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return false;
  }
  return true;
}
