import { cleanCsvHeader, cleanCsvLines } from '../../engine/data/format';
import { type Command, UsageError, parseArgs } from '../command';
import { importFile, timeframeFlag } from './quality';

const LINES_PER_WRITE = 20_000;

export const normalizeCommand: Command = {
  name: 'normalize',
  summary: 'Clean frame C (contract A.2) of a bars CSV, as CSV',
  usage:
    'qe normalize <file.csv> [--timeframe 1m|5m|15m|30m|1h|4h|1d]\n' +
    '  daily:    ticker,date,open,high,low,close,volume\n' +
    '  intraday: ticker,ts_utc,session_date,open,high,low,close,volume\n' +
    '  tickers ascending, then time; numbers in shortest round-trip form (JS String(x)).',
  async run(args, io) {
    const { positional, flags } = parseArgs(args, { flags: ['timeframe'] });
    if (positional.length !== 1) throw new UsageError('expected exactly one CSV file');
    const result = await importFile(positional[0], timeframeFlag(flags));
    io.out(`${cleanCsvHeader(result.kind)}\n`);
    let lines: string[] = [];
    for (const f of result.tickers) {
      cleanCsvLines(f, result.kind, lines);
      if (lines.length >= LINES_PER_WRITE) {
        io.out(`${lines.join('\n')}\n`);
        lines = [];
      }
    }
    if (lines.length > 0) io.out(`${lines.join('\n')}\n`);
    return 0;
  },
};
