import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { TIMEFRAMES, type Timeframe } from '../../engine/contracts';
import { type ImportResult, importCsvChunks } from '../../engine/data/normalize';
import { qualityDocument, qualityReports } from '../../engine/data/quality';
import { type Command, UsageError, parseArgs } from '../command';

const CHUNK_BYTES = 1 << 20;

export function timeframeFlag(flags: Record<string, string>): Timeframe | undefined {
  const tf = flags.timeframe;
  if (tf === undefined) return undefined;
  if (!(TIMEFRAMES as readonly string[]).includes(tf)) {
    throw new UsageError(`--timeframe must be one of ${TIMEFRAMES.join(', ')} (got "${tf}")`);
  }
  return tf as Timeframe;
}

/** Streams a CSV file through the engine's importer in 1 MB chunks (no whole-file string). */
export async function importFile(path: string, timeframe: Timeframe | undefined): Promise<ImportResult> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a regular file');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  return importCsvChunks(stream as AsyncIterable<Uint8Array>, { file: path, timeframe });
}

export const qualityCommand: Command = {
  name: 'quality',
  summary: 'Data-quality report (contract A) of a bars CSV, one JSON object',
  usage:
    'qe quality <file.csv> [--timeframe 1m|5m|15m|30m|1h|4h|1d]\n' +
    '  prints {file, timeframe: "daily"|"intraday", adj_close_used, bad_timestamps, reports[]},\n' +
    '  one report per ticker (ascending); first/last/ts are YYYY-MM-DD (daily) or\n' +
    '  YYYY-MM-DDTHH:MM:SSZ (intraday, UTC). Exit code 1 if the file cannot be imported.',
  async run(args, io) {
    const { positional, flags } = parseArgs(args, { flags: ['timeframe'] });
    if (positional.length !== 1) throw new UsageError('expected exactly one CSV file');
    const result = await importFile(positional[0], timeframeFlag(flags));
    const { reports } = qualityReports(result);
    io.out(`${JSON.stringify(qualityDocument(result, reports), null, 2)}\n`);
    return 0;
  },
};
