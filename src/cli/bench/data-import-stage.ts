/**
 * Bench stage `data.import_quality_31`: read the 31 real daily CSVs, then parse + normalise +
 * quality-report each with the engine. `qe bench` times the whole run (reading included); the
 * stage also reports the read and compute parts separately, the row count and the bytes per
 * stored clean row (columnar Float64: 6 columns × 8 bytes = 48).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importCsvText } from '../../engine/data/normalize';
import { qualityReports } from '../../engine/data/quality';

const DAILY_DIR = fileURLToPath(new URL('../../../../shared/data/real/daily/csv/', import.meta.url));

export const dataImportQualityStage = {
  name: 'data.import_quality_31',
  targetMs: 400,
  async run(): Promise<Record<string, number | string>> {
    const t0 = performance.now();
    const files = readdirSync(DAILY_DIR)
      .filter((f) => f.endsWith('.csv'))
      .sort();
    const texts = files.map((f) => readFileSync(join(DAILY_DIR, f), 'utf8'));
    const t1 = performance.now();
    let rows = 0;
    let rowsClean = 0;
    let storedBytes = 0;
    let fileBytes = 0;
    let fails = 0;
    for (let i = 0; i < files.length; i++) {
      fileBytes += texts[i].length;
      const result = importCsvText(texts[i], { file: files[i] });
      const { reports } = qualityReports(result);
      rows += result.rows;
      for (const t of result.tickers) {
        rowsClean += t.bars.ts.length;
        for (const col of [t.bars.ts, t.bars.open, t.bars.high, t.bars.low, t.bars.close, t.bars.volume]) {
          storedBytes += col.byteLength;
        }
      }
      fails += reports.filter((r) => r.status === 'fail').length;
    }
    const t2 = performance.now();
    if (files.length !== 31) throw new Error(`expected 31 daily CSV files in ${DAILY_DIR}, found ${files.length}`);
    return {
      files: files.length,
      rows,
      rows_clean: rowsClean,
      file_bytes: fileBytes,
      read_ms: Math.round((t1 - t0) * 100) / 100,
      parse_normalize_quality_ms: Math.round((t2 - t1) * 100) / 100,
      stored_bytes_per_row: Math.round((storedBytes / rowsClean) * 100) / 100,
      failing_reports: fails,
    };
  },
};
