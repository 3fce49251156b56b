import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Bars } from '../../engine/contracts';
import { isoDay } from '../../engine/core/time';
import { CORE_FEATURE_NAMES, FEATURES, computeFeatures } from '../../engine/features/registry';
import { type CliIo, type Command, UsageError, parseArgs } from '../command';
import { type TickerBars, readBarsFile } from '../read-bars';

/** The one ticker of a benchmark file (a multi-ticker benchmark is ambiguous). */
export function readBenchmark(path: string): Bars {
  const r = readBarsFile(path);
  if (r.tickers.length !== 1) {
    throw new UsageError(`--benchmark ${path} must hold exactly one ticker (found ${r.tickers.length})`);
  }
  return r.tickers[0].bars;
}

function cell(x: number): string {
  return Number.isNaN(x) ? '' : String(x);
}

/**
 * Contract-B CSV: `date,<24 features>`; with several tickers `ticker,date,…`, tickers
 * ascending. NaN is an empty field; numbers are shortest round-trip (String(x)).
 */
export function featuresCsv(
  tickers: readonly TickerBars[],
  benchmark: Bars | null,
  names: readonly string[] = CORE_FEATURE_NAMES,
): string[] {
  const multi = tickers.length > 1;
  const lines = [`${multi ? 'ticker,' : ''}date,${names.join(',')}`];
  for (const { ticker, bars } of tickers) {
    const { columns } = computeFeatures(names, bars, benchmark);
    for (let t = 0; t < bars.ts.length; t++) {
      let line = multi ? `${ticker},${isoDay(bars.ts[t])}` : isoDay(bars.ts[t]);
      for (let j = 0; j < columns.length; j++) line += `,${cell(columns[j][t])}`;
      lines.push(line);
    }
  }
  return lines;
}

export function writeOutput(io: CliIo, out: string | undefined, text: string): void {
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
  } else {
    io.out(text);
  }
}

export const featuresCommand: Command = {
  name: 'features',
  summary: 'Core daily features (contract B) of a bars CSV, as CSV',
  usage:
    'qe features <file.csv> [--benchmark <file.csv>] [--all] [--out <file.csv>]\n' +
    `  columns: date, ${CORE_FEATURE_NAMES.join(', ')}\n` +
    '  (--all appends the non-core research features after the 24 core ones)\n' +
    '  (multi-ticker input: ticker first, tickers ascending); beta_60 needs --benchmark.\n' +
    '  NaN is an empty field; numbers in shortest round-trip form.',
  async run(args, io) {
    const { positional, flags, switches } = parseArgs(args, { flags: ['benchmark', 'out'], switches: ['all'] });
    if (positional.length !== 1) throw new UsageError('expected exactly one CSV file');
    const input = readBarsFile(positional[0]);
    if (input.tickers.length === 0) throw new Error(`${positional[0]}: no clean rows`);
    const benchmark = flags.benchmark ? readBenchmark(flags.benchmark) : null;
    const names = switches.has('all') ? FEATURES.map((f) => f.name) : CORE_FEATURE_NAMES;
    writeOutput(io, flags.out, `${featuresCsv(input.tickers, benchmark, names).join('\n')}\n`);
    return 0;
  },
};
