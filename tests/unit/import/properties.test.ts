// Property: malformed CSV never corrupts stored datasets and is refused with an ImportError
// naming the file (and the row where one exists); arbitrary mutations either import cleanly
// or fail that way — never anything in between.
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImportError } from '../../../src/engine/data/errors';
import type { QeDb } from '../../../src/storage/db';
import type { DatasetMeta } from '../../../src/engine/contracts';
import { listDatasets, loadDataset, putDataset } from '../../../src/storage/datasets';
import { DuplicateDatasetError, ImportFileError, importFiles } from '../../../src/storage/sources/file-import';
import { freshDb, input, makeBars } from '../storage/helpers';
import { textFile } from './helpers';

const HEADER = ['date', 'open', 'high', 'low', 'close', 'volume'];
const opts = { mode: 'files' as const, storedAt: '2026-03-01T00:00:00.000Z' };

/** A valid daily CSV as rows of fields (header first). */
const validRows = fc
  .array(
    fc.record({
      day: fc.integer({ min: 0, max: 3000 }),
      price: fc.double({ min: 1, max: 1000, noNaN: true }),
      vol: fc.integer({ min: 0, max: 1e9 }),
    }),
    { minLength: 1, maxLength: 25 },
  )
  .map((rs) => [
    HEADER,
    ...rs.map((r) => {
      const d = new Date(Date.UTC(2010, 0, 1) + r.day * 86_400_000).toISOString().slice(0, 10);
      const p = r.price;
      return [d, String(p), String(p * 1.01), String(p * 0.99), String(p), String(r.vol)];
    }),
  ]);

type Corruption =
  | { kind: 'ragged'; row: number }
  | { kind: 'quote'; row: number }
  | { kind: 'delimiter' }
  | { kind: 'no_close' }
  | { kind: 'empty' }
  | { kind: 'header_only' };

const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant('ragged' as const), row: fc.nat() }),
  fc.record({ kind: fc.constant('quote' as const), row: fc.nat() }),
  fc.constant({ kind: 'delimiter' as const }),
  fc.constant({ kind: 'no_close' as const }),
  fc.constant({ kind: 'empty' as const }),
  fc.constant({ kind: 'header_only' as const }),
);

/** Applies the corruption; returns the text and the 1-based data row it must name (if any). */
function corrupt(rows: string[][], c: Corruption): { text: string; row?: number } {
  const copy = rows.map((r) => r.slice());
  const data = copy.length - 1;
  switch (c.kind) {
    case 'ragged': {
      const k = 1 + (c.row % data);
      copy[k].pop();
      return { text: copy.map((r) => r.join(',')).join('\n'), row: k };
    }
    case 'quote': {
      const k = 1 + (c.row % data);
      copy[k][1] = `"${copy[k][1]}`;
      return { text: copy.map((r) => r.join(',')).join('\n'), row: k };
    }
    case 'delimiter':
      return { text: copy.map((r) => r.join(';')).join('\n') };
    case 'no_close':
      copy[0][4] = 'last_price';
      return { text: copy.map((r) => r.join(',')).join('\n') };
    case 'empty':
      return { text: '' };
    case 'header_only':
      return { text: `${HEADER.join(',')}\n` };
  }
}

let db: QeDb;
let keep: DatasetMeta;

beforeAll(async () => {
  db = await freshDb();
  keep = await putDataset(db, input('KEEP', makeBars(40)));
});

async function keepIntact(): Promise<void> {
  const list = await listDatasets(db);
  expect(list.find((d) => d.id === 'KEEP|1d')).toEqual(keep);
  expect((await loadDataset(db, 'KEEP|1d')).meta.checksum).toBe(keep.checksum);
}

describe('malformed CSV (fast-check)', () => {
  it('is refused with an ImportError naming file and row, and stored data is untouched', async () => {
    await fc.assert(
      fc.asyncProperty(validRows, corruption, async (rows, c) => {
        const before = await listDatasets(db);
        const { text, row } = corrupt(rows, c);
        const err = await importFiles(db, [textFile('GEN.csv', text)], opts).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ImportError);
        const msg = (err as ImportError).message;
        expect(msg.startsWith('GEN.csv: ')).toBe(true);
        if (row !== undefined) {
          expect((err as ImportError).row).toBe(row);
          expect(msg).toContain(`row ${row} (line ${row + 1})`);
        }
        expect(await listDatasets(db)).toEqual(before);
        await keepIntact();
      }),
      { numRuns: 60 },
    );
  });

  it('arbitrary character mutations either import valid bars or fail with a named error', async () => {
    const alphabet = fc.constantFrom(',', '"', '\n', '\r', ';', 'x', '-', '.', 'e', '9', ' ', '\t', '\u00e9');
    await fc.assert(
      fc.asyncProperty(
        validRows,
        fc.array(fc.record({ at: fc.nat(), ch: alphabet, del: fc.boolean() }), { minLength: 1, maxLength: 6 }),
        async (rows, edits) => {
          let text = rows.map((r) => r.join(',')).join('\n');
          for (const e of edits) {
            const i = e.at % (text.length + 1);
            text = e.del ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + e.ch + text.slice(i);
          }
          const result = await importFiles(db, [textFile('GEN.csv', text)], opts).then(
            (r) => r,
            (e: unknown) => e,
          );
          if (result instanceof Error) {
            const known = result instanceof ImportError || result instanceof ImportFileError || result instanceof DuplicateDatasetError;
            expect(known, `${result.name}: ${result.message}`).toBe(true);
            expect(result.message.startsWith('GEN.csv: ')).toBe(true);
          } else {
            for (const m of (result as Awaited<ReturnType<typeof importFiles>>).metas) {
              const { bars } = await loadDataset(db, m.id); // checksum-verified decode
              for (let i = 1; i < bars.ts.length; i++) expect(bars.ts[i]).toBeGreaterThan(bars.ts[i - 1]);
              for (let i = 0; i < bars.ts.length; i++) {
                expect(bars.close[i]).toBeGreaterThan(0);
                expect(bars.volume[i]).toBeGreaterThanOrEqual(0);
              }
            }
          }
          await keepIntact();
        },
      ),
      { numRuns: 80 },
    );
  });
});
