// Bad-input campaign (issue #11 item 5, #5 "Bad input"): ≥ 10,000 generated malformed CSV,
// Parquet-like and JSON inputs against every importer and the CLI entry points, in process.
// Each case must either be accepted or refused with the family's typed error naming the
// file, within a time bound; the stored datasets of a fake-indexeddb store must be unchanged
// by every refused import. Counts per family and errors by kind are printed in afterAll.
import 'fake-indexeddb/auto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/command';
import { importCommand } from '../../../src/cli/commands/import';
import { normalizeCommand } from '../../../src/cli/commands/normalize';
import { qualityCommand } from '../../../src/cli/commands/quality';
import { main } from '../../../src/cli/main';
import { PredictionsError, parsePredictions } from '../../../src/engine/backtest/predictions-io';
import type { DatasetMeta } from '../../../src/engine/contracts';
import { ImportError } from '../../../src/engine/data/errors';
import { CsvImporter, importCsvChunks, importCsvText } from '../../../src/engine/data/normalize';
import { qualityDocument, qualityReports } from '../../../src/engine/data/quality';
import { CsvInputError } from '../../../src/engine/iv/csv-table';
import type { QeDb } from '../../../src/storage/db';
import { InvalidBarsError, listDatasets, loadDataset, putDataset } from '../../../src/storage/datasets';
import { barsToParquet } from '../../../src/storage/parquet';
import { DuplicateDatasetError, ImportFileError, importFiles } from '../../../src/storage/sources/file-import';
import { ColumnarInputError, feedArrowTable } from '../../../src/storage/sources/file-import-arrow';
import { readParquetTable } from '../../../src/storage/sources/file-import-parquet';
import { ImportPlanError, parseSidecar, SidecarError } from '../../../src/storage/sources/file-import-plan';
import { ChainImportError, parseOptionChainCsv } from '../../../src/storage/sources/option-chain-csv';
import { freshDb, input, makeBars, sameBits } from '../storage/helpers';
import {
  byteMutation,
  garbageText,
  malformedBarsCsv,
  malformedChainCsv,
  malformedPredictionsCsv,
  malformedPredictionsJson,
  mutateBytes,
  parquetShapedGarbage,
  validChainRows,
} from './arbitraries';
import { preview, Tally } from './tally';

const tally = new Tally();
/** Per-case bound: generous for 2 shared cores; a hang or quadratic blow-up exceeds it by far. */
const CASE_MS = 3_000;
const SEED = 20261125;
const run = (numRuns: number) => ({ numRuns, seed: SEED, endOnFailure: true });

afterAll(() => {
  console.log(tally.report());
});

/** Successful CSV imports must still honour the clean-frame invariants. */
function checkAccepted(text: string, file: string): void {
  const result = importCsvText(text, { file });
  const { reports } = qualityReports(result);
  expect(reports.length).toBe(result.tickers.length);
  for (const t of result.tickers) {
    for (let i = 1; i < t.bars.ts.length; i++) {
      if (!(t.bars.ts[i] > t.bars.ts[i - 1])) throw new Error(`${file}: clean frame of ${t.ticker} not strictly ascending at ${i}`);
    }
  }
  JSON.stringify(qualityDocument(result, reports));
}

describe('engine CSV import + quality report', () => {
  it('malformed bars CSV: accepted with invariants or ImportError naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(malformedBarsCsv, async ({ text, muts }) => {
        await tally.run('csv.engine.malformed', () => checkAccepted(text, 'FUZZ_1d.csv'), {
          allowed: [ImportError],
          mustName: 'FUZZ_1d.csv',
          maxMs: CASE_MS,
          describe: () => `${muts.join('+')} ${preview(text)}`,
        });
      }),
      run(3_000),
    );
  }, 120_000);

  it('garbage text and bytes: streamed as UTF-8 chunks like a File', async () => {
    await fc.assert(
      fc.asyncProperty(garbageText, fc.integer({ min: 1, max: 64 }), async (text, chunk) => {
        const bytes = new TextEncoder().encode(text);
        const chunks: Uint8Array[] = [];
        for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
        await tally.run(
          'csv.engine.garbage',
          async () => {
            const r = await importCsvChunks(chunks, { file: 'GARBAGE.csv' });
            qualityReports(r);
          },
          { allowed: [ImportError], mustName: 'GARBAGE.csv', maxMs: CASE_MS, describe: () => preview(text) },
        );
      }),
      run(1_500),
    );
  }, 120_000);

  it('one 50 MB line is refused quickly, without echoing it', async () => {
    const line = 'x'.repeat(50 * 1024 * 1024);
    const label = await tally.run('csv.engine.50MB-line', () => importCsvText(`date,open,high,low,close,volume\n${line}\n`, { file: 'HUGE_1d.csv' }), {
      allowed: [ImportError],
      mustName: 'HUGE_1d.csv',
      maxMs: 10_000,
      describe: () => '50 MB line',
    });
    // Whole in one string it is a complete (ragged) record; streamed, the carry bound trips.
    expect(label).toMatch(/^ImportError:(ragged_row|record_too_long)$/);
    const bytes = new TextEncoder().encode(`date,close\n2024-01-02,${'9'.repeat(50 * 1024 * 1024)}\n`);
    const chunks = Array.from({ length: Math.ceil(bytes.length / (1 << 20)) }, (_, i) => bytes.subarray(i << 20, (i + 1) << 20));
    const streamed = await tally.run('csv.engine.50MB-line', () => importCsvChunks(chunks, { file: 'HUGE_1d.csv' }), {
      allowed: [ImportError],
      mustName: 'HUGE_1d.csv',
      maxMs: 10_000,
      describe: () => '50 MB number cell, streamed in 1 MB chunks',
    });
    expect(streamed).toBe('ImportError:record_too_long');
  }, 30_000);
});

describe('Parquet reader', () => {
  let bases: Uint8Array[];
  beforeAll(() => {
    bases = [
      new Uint8Array(barsToParquet('FZA', makeBars(30, Date.UTC(2020, 0, 1), 3), 'daily')),
      new Uint8Array(barsToParquet('FZB', makeBars(12, Date.UTC(2021, 5, 1, 14), 5), 'intraday')),
    ];
  });

  async function readParquet(bytes: Uint8Array, file: string): Promise<void> {
    const table = await readParquetTable(bytes, file);
    const importer = new CsvImporter({ file });
    await feedArrowTable(table, importer, file);
    qualityReports(importer.finish());
  }

  it('damaged real Parquet files (truncated, bit flips, bad footer lengths, spliced garbage)', async () => {
    // The undamaged files read back (so damage, not the reader, explains every refusal).
    for (const b of bases) await readParquet(b, 'FZ_1d.parquet');
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(byteMutation, { minLength: 1, maxLength: 3 }), async (which, muts) => {
        const bytes = mutateBytes(bases[which % bases.length], muts);
        await tally.run('parquet.damaged', () => readParquet(bytes, 'FZ_1d.parquet'), {
          allowed: [ColumnarInputError, ImportError],
          mustName: 'FZ_1d.parquet',
          maxMs: CASE_MS,
          describe: () => `${muts.map((m) => m.kind).join('+')} ${preview(bytes)}`,
        });
      }),
      run(1_200),
    );
  }, 120_000);

  it('Parquet-shaped garbage (magic at the edges, random body)', async () => {
    await fc.assert(
      fc.asyncProperty(parquetShapedGarbage, async (bytes) => {
        await tally.run('parquet.garbage', () => readParquet(bytes, 'JUNK.parquet'), {
          allowed: [ColumnarInputError, ImportError],
          mustName: 'JUNK.parquet',
          maxMs: CASE_MS,
          describe: () => preview(bytes),
        });
      }),
      run(400),
    );
  }, 120_000);
});

describe('option-chain CSV importer', () => {
  const CHAIN_OPTS = { fileName: 'chain_fuzz.csv', rate: 0.04, dividendYield: 0.01 };
  it('the unmutated chains parse (so damage explains every refusal)', () => {
    for (const rows of fc.sample(validChainRows, { numRuns: 20, seed: SEED })) {
      expect(parseOptionChainCsv(rows.map((r) => r.join(',')).join('\n'), CHAIN_OPTS).groups.length).toBeGreaterThan(0);
    }
  });

  it('malformed chains: parsed (bad rows flagged) or ChainImportError/CsvInputError naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 5, arbitrary: malformedChainCsv }, { weight: 1, arbitrary: garbageText.map((text) => ({ text, muts: ['garbage'] })) }), async ({ text, muts }) => {
        await tally.run(
          'chain.csv',
          () => {
            const parsed = parseOptionChainCsv(text, CHAIN_OPTS);
            // No row is dropped silently: every group row has a line number.
            for (const g of parsed.groups) expect(g.line.length).toBe(g.strike.length);
          },
          { allowed: [ChainImportError, CsvInputError], mustName: 'chain_fuzz.csv', maxMs: CASE_MS, describe: () => `${muts.join('+')} ${preview(text)}` },
        );
      }),
      run(1_200),
    );
  }, 120_000);
});

describe('predictions reader (JSON and CSV)', () => {
  it('malformed predictions JSON', async () => {
    await fc.assert(
      fc.asyncProperty(malformedPredictionsJson, async (text) => {
        await tally.run('predictions.json', () => parsePredictions(text, 'preds_fuzz.json'), {
          allowed: [PredictionsError],
          mustName: 'preds_fuzz.json',
          maxMs: CASE_MS,
          describe: () => preview(text),
        });
      }),
      run(1_200),
    );
  }, 120_000);

  it('malformed predictions CSV', async () => {
    await fc.assert(
      fc.asyncProperty(malformedPredictionsCsv, async (text) => {
        await tally.run('predictions.csv', () => parsePredictions(text, 'preds_fuzz.csv'), {
          allowed: [PredictionsError],
          mustName: 'preds_fuzz.csv',
          maxMs: CASE_MS,
          describe: () => preview(text),
        });
      }),
      run(800),
    );
  }, 120_000);

  it('dataset sidecar JSON (the original cache layout)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(malformedPredictionsJson, fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v))), async (text) => {
        await tally.run('sidecar.json', () => parseSidecar(text, 'FZA_1d.meta.json', 'canonical'), {
          allowed: [SidecarError],
          mustName: 'FZA_1d.meta.json',
          maxMs: CASE_MS,
          describe: () => preview(text),
        });
      }),
      run(500),
    );
  }, 120_000);
});

describe('storage import (fake IndexedDB): refused imports leave every stored dataset unchanged', () => {
  let db: QeDb;
  const seeded = new Map<string, DatasetMeta>();
  const seededBars = makeBars(50, Date.UTC(2019, 0, 1), 7);

  beforeAll(async () => {
    db = await freshDb();
    // FZA/FZB are tickers the generators also produce: a refused import must not touch them.
    for (const t of ['KEEP', 'FZA', 'FZB']) {
      const m = await putDataset(db, input(t, seededBars, { source: `seed ${t}` }));
      seeded.set(m.id, m);
    }
  });

  const catalogSnapshot = async () => new Map((await listDatasets(db)).map((m) => [m.id, JSON.stringify(m)] as const));

  async function seededIntact(): Promise<void> {
    const now = await catalogSnapshot();
    for (const [id, m] of seeded) {
      expect(now.get(id), id).toBe(JSON.stringify(m));
      const { bars } = await loadDataset(db, id);
      for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(sameBits(bars[k], seededBars[k]), `${id} ${k}`).toBe(true);
    }
  }

  const arrowBytes = (text: string): Uint8Array => {
    // A columnar file with the same malformed cells: Arrow IPC of string columns.
    const lines = text.split('\n').map((l) => l.split(','));
    const header = lines[0];
    const cols: Record<string, string[]> = {};
    header.forEach((h, i) => {
      cols[h || `c${i}`] = lines.slice(1).map((r) => r[i] ?? '');
    });
    return tableToIPC(tableFromArrays(cols), 'file');
  };

  const storageCase = fc.oneof(
    { weight: 3, arbitrary: malformedBarsCsv.map(({ text, muts }) => ({ format: 'csv' as const, text, bytes: null as Uint8Array | null, muts })) },
    {
      weight: 1,
      arbitrary: malformedBarsCsv.map(({ text, muts }) => {
        let bytes: Uint8Array | null = null;
        try {
          bytes = arrowBytes(text);
        } catch (e) {
          // apache-arrow refuses some column names (e.g. duplicates): fall back to raw bytes
          bytes = new TextEncoder().encode(`${(e as Error).name}`);
        }
        return { format: 'arrow' as const, text, bytes, muts };
      }),
    },
    {
      weight: 1,
      arbitrary: fc.array(byteMutation, { minLength: 1, maxLength: 2 }).map((m) => ({ format: 'parquet' as const, text: '', bytes: null as Uint8Array | null, muts: m.map((x) => x.kind), byteMuts: m })),
    },
  );
  const parquetBase = new Uint8Array(barsToParquet('FZA', makeBars(20, Date.UTC(2022, 0, 3), 9), 'daily'));

  it('CSV, Arrow and Parquet imports through importFiles', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(storageCase, async (c) => {
        const name = `FZA_1d.${c.format === 'arrow' ? 'arrow' : c.format}`;
        let data: Uint8Array;
        if (c.format === 'csv') data = new TextEncoder().encode(c.text);
        else if (c.format === 'arrow') data = c.bytes ?? new Uint8Array(0);
        else data = mutateBytes(parquetBase, (c as { byteMuts: Parameters<typeof mutateBytes>[1] }).byteMuts);
        const buf = data.slice().buffer as ArrayBuffer;
        const before = await catalogSnapshot();
        let stored: string[] = [];
        const label = await tally.run(
          `storage.import.${c.format}`,
          async () => {
            const s = await importFiles(db, [{ name, path: `fuzz/${name}`, size: buf.byteLength, lastModified: 0, bytes: buf }], { mode: 'files', storedAt: '2026-11-25T00:00:00.000Z' });
            stored = s.metas.map((m) => m.id);
          },
          {
            allowed: [ImportError, ImportFileError, ImportPlanError, DuplicateDatasetError, InvalidBarsError, ColumnarInputError],
            mustName: name,
            maxMs: CASE_MS,
            describe: () => `${c.muts.join('+')} ${preview(c.text || data)}`,
          },
        );
        const after = await catalogSnapshot();
        if (label !== 'accepted') {
          expect(after).toEqual(before);
        } else {
          // Only the datasets the import reported may have changed.
          for (const [id, m] of before) if (!stored.includes(id)) expect(after.get(id), id).toBe(m);
          // Put the seeded versions back so later refusals are checked against them.
          for (const id of stored) {
            const orig = seeded.get(id);
            if (orig) seeded.set(id, await putDataset(db, input(orig.ticker, seededBars, { source: orig.source })));
          }
        }
        if (++n % 50 === 0) await seededIntact();
      }),
      run(800),
    );
    await seededIntact();
  }, 120_000);
});

describe('CLI entry points in process (qe quality | normalize | import)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qe-fuzz-cli-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
  };

  it('quality and normalize: output or a typed error naming the file', async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: malformedBarsCsv.map((x) => x.text) }, { weight: 1, arbitrary: garbageText }), fc.boolean(), async (text, quality) => {
        const file = join(dir, `CLI${k++}_1d.csv`);
        writeFileSync(file, text);
        const cmd = quality ? qualityCommand : normalizeCommand;
        const cap = io();
        await tally.run(`cli.${cmd.name}`, () => cmd.run([file], cap.io), {
          allowed: [ImportError, UsageError],
          mustName: `CLI${k - 1}_1d.csv`,
          maxMs: CASE_MS,
          describe: () => preview(text),
        });
        rmSync(file);
      }),
      run(700),
    );
  }, 120_000);

  it('import --out: a refused file writes nothing; an accepted one leaves no staging folder', async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(malformedBarsCsv, async ({ text }) => {
        const file = join(dir, `IMP${k}_1d.csv`);
        const out = join(dir, `out${k++}`);
        writeFileSync(file, text);
        const cap = io();
        const label = await tally.run('cli.import', () => importCommand.run([file, '--out', out], cap.io), {
          allowed: [ImportError, UsageError],
          plainError: true,
          mustName: `IMP${k - 1}_1d.csv`,
          maxMs: CASE_MS,
          describe: () => preview(text),
        });
        const files = existsSync(out) ? readdirSync(out) : [];
        if (label === 'accepted') {
          expect(files.some((f) => f.startsWith('.qe-import-'))).toBe(false);
          expect(files.filter((f) => f.endsWith('.parquet')).length).toBe(files.filter((f) => f.endsWith('.meta.json')).length);
        } else {
          expect(files).toEqual([]);
        }
        rmSync(out, { recursive: true, force: true });
        rmSync(file);
      }),
      run(200),
    );
  }, 120_000);

  it('main(): exit 1 with the file named for bad input, exit 2 for usage, never a stack trace', async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(malformedBarsCsv, fc.constantFrom('quality', 'normalize'), async ({ text }, name) => {
        const file = join(dir, `MAIN${k++}_1d.csv`);
        writeFileSync(file, text);
        const cap = io();
        const t0 = performance.now();
        const code = await main([name, file], cap.io);
        const f = tally.family('cli.main');
        f.cases++;
        if (code === 0) f.accepted++;
        else {
          f.refused++;
          f.errors[`exit${code}`] = (f.errors[`exit${code}`] ?? 0) + 1;
          const err = cap.err.join('');
          expect(code).toBe(1);
          expect(err.startsWith(`qe ${name}: MAIN${k - 1}_1d.csv: `), err).toBe(true);
          expect(err).not.toMatch(/\n\s+at /);
        }
        f.maxCaseMs = Math.max(f.maxCaseMs, performance.now() - t0);
        rmSync(file);
      }),
      run(100),
    );
    const cap = io();
    expect(await main(['quality'], cap.io)).toBe(2);
    expect(await main(['quality', join(dir, 'missing.csv')], cap.io)).toBe(1);
    expect(cap.err.join('')).toMatch(/missing\.csv/);
  });

  it('a 50 MB line in a file on disk is refused by qe quality within the bound', async () => {
    const file = join(dir, 'HUGE_1d.csv');
    writeFileSync(file, `date,open,high,low,close,volume\n2024-01-02,${'1'.repeat(50 * 1024 * 1024)},1,1,1,1\n`);
    const cap = io();
    const label = await tally.run('cli.50MB-line', () => qualityCommand.run([file], cap.io), {
      allowed: [ImportError],
      mustName: 'HUGE_1d.csv',
      maxMs: 10_000,
      describe: () => '50 MB cell on disk',
    });
    expect(label).toBe('ImportError:record_too_long');
    rmSync(file);
  }, 30_000);

  it('the campaign ran at least 10,000 cases', () => {
    expect(tally.total()).toBeGreaterThanOrEqual(10_000);
  });
});
