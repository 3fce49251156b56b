import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Bars } from '../../engine/contracts';
import { checksumColumns } from '../../engine/core/hash';
import { ENGINE_VERSION } from '../../engine/core/version';
import { formatDay } from '../../engine/data/calendar';
import { formatTs, qualityReports } from '../../engine/data/quality';
import { barsToParquet } from '../../storage/parquet';
import { type Command, UsageError, parseArgs } from '../command';
import { importFile, timeframeFlag } from './quality';

/** The original cache's canonical sidecar (`TICKER_tf.meta.json`): sorted keys, protected core fields. */
export function sidecar(fields: {
  ticker: string;
  source: string;
  savedAt: string;
  bars: Bars;
  /** session dates (day numbers) of the first and last bar */
  firstDay: number;
  lastDay: number;
  timeframe: string;
  quality: string;
  checksum: string;
}): string {
  const n = fields.bars.ts.length;
  const doc: Record<string, string | number> = {
    checksum: fields.checksum,
    end_date: formatDay(fields.lastDay),
    engine_version: ENGINE_VERSION,
    format: 'parquet',
    n_bars: n,
    quality_status: fields.quality,
    saved_at_utc: fields.savedAt,
    source: fields.source.toLowerCase(),
    start_date: formatDay(fields.firstDay),
    ticker: fields.ticker.toUpperCase(),
    timeframe: fields.timeframe,
  };
  return `${JSON.stringify(doc, Object.keys(doc).sort(), 2)}\n`;
}

export const importCommand: Command = {
  name: 'import',
  summary: 'Normalise a bars CSV and write Parquet + sidecar per (ticker, timeframe)',
  usage:
    'qe import <file.csv> --out <dir> [--timeframe 1m|5m|15m|30m|1h|4h|1d]\n' +
    '  writes <dir>/<TICKER>_<tf>.parquet (clean frame C) and <TICKER>_<tf>.meta.json;\n' +
    '  every pair is written to a temporary folder first and renamed into place only when all are complete.',
  async run(args, io) {
    const { positional, flags } = parseArgs(args, { flags: ['out', 'timeframe'] });
    if (positional.length !== 1) throw new UsageError('expected exactly one CSV file');
    if (!flags.out) throw new UsageError('--out <dir> is required');
    const result = await importFile(positional[0], timeframeFlag(flags));
    const { reports } = qualityReports(result);
    const out = resolve(flags.out);
    await mkdir(out, { recursive: true });
    const savedAt = new Date().toISOString();
    const staging = await mkdtemp(join(out, '.qe-import-'));
    const written: { ticker: string; timeframe: string; rows: number; first: string | null; last: string | null; quality: string; parquet: string; meta: string }[] = [];
    try {
      for (let i = 0; i < result.tickers.length; i++) {
        const f = result.tickers[i];
        if (f.bars.ts.length === 0) continue;
        const stem = `${f.ticker}_${result.timeframe}`;
        const checksum = checksumColumns({ ...f.bars });
        const quality = reports[i].status;
        await writeFile(join(staging, `${stem}.parquet`), new Uint8Array(barsToParquet(f.ticker, f.bars, result.kind)));
        await writeFile(
          join(staging, `${stem}.meta.json`),
          sidecar({
            ticker: f.ticker,
            source: `file:${result.file}`,
            savedAt,
            bars: f.bars,
            firstDay: f.sessionDays[0],
            lastDay: f.sessionDays[f.sessionDays.length - 1],
            timeframe: result.timeframe,
            quality,
            checksum,
          }),
        );
        const n = f.bars.ts.length;
        written.push({
          ticker: f.ticker,
          timeframe: result.timeframe,
          rows: n,
          first: formatTs(f.bars.ts[0], result.kind),
          last: formatTs(f.bars.ts[n - 1], result.kind),
          quality,
          parquet: join(out, `${stem}.parquet`),
          meta: join(out, `${stem}.meta.json`),
        });
      }
      if (written.length === 0) throw new Error(`${result.file}: no clean rows to write (see \`qe quality\`)`);
      // Data first, then its sidecar: a reader that finds a sidecar always finds complete data.
      for (const w of written) {
        const stem = `${w.ticker}_${w.timeframe}`;
        await rename(join(staging, `${stem}.parquet`), w.parquet);
        await rename(join(staging, `${stem}.meta.json`), w.meta);
      }
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    io.out(`${JSON.stringify({ file: result.file, out, timeframe: result.timeframe, datasets: written }, null, 2)}\n`);
    return 0;
  },
};
