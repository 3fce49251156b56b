import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { computeMetrics } from '../../engine/backtest/metrics';
import { metricsToJson, parseReturnsCsv } from '../../engine/backtest/metrics-io';
import { type Command, UsageError, parseArgs } from '../command';

function numberFlag(flags: Record<string, string>, name: string, fallback: number): number {
  const raw = flags[name];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${name} must be a finite number (got "${raw}")`);
  return v;
}

export const metricsCommand: Command = {
  name: 'metrics',
  summary: 'Performance metrics (contract E) of a daily returns CSV, as one JSON object',
  usage:
    'qe metrics <file.csv> [--rf 0.02] [--corr-window 63]\n' +
    '  columns: date,strategy_ret[,benchmark_ret][,weight]  (date YYYY-MM-DD ascending; an empty\n' +
    '  benchmark_ret cell = no benchmark bar that day; weight = the position decided at that close)',
  async run(args, io) {
    const { positional, flags } = parseArgs(args, { flags: ['rf', 'corr-window'] });
    if (positional.length !== 1) throw new UsageError('expected exactly one CSV file');
    const rfAnnual = numberFlag(flags, 'rf', 0);
    const corrWindow = numberFlag(flags, 'corr-window', 63);
    if (!Number.isInteger(corrWindow) || corrWindow < 2) {
      throw new UsageError(`--corr-window must be an integer ≥ 2 (got ${flags['corr-window']})`);
    }
    const file = positional[0];
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const csv = parseReturnsCsv(text, basename(file));
    const m = computeMetrics({
      dates: csv.days,
      returns: csv.strategy,
      ...(csv.benchmark ? { benchmark: { dates: csv.benchmark.days, returns: csv.benchmark.returns } } : {}),
      ...(csv.weight ? { weights: csv.weight } : {}),
      rfAnnual,
      corrWindow,
    });
    io.out(`${JSON.stringify(metricsToJson(m, csv.days, { rfAnnual, corrWindow }))}\n`);
    return 0;
  },
};
