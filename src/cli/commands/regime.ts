import { getFeature } from '../../engine/features/registry';
import { DEFAULT_REGIME_FEATURES, REGIME_METHODS, detectHmmRegimes, hmmRegimeDocument } from '../../engine/regime/detect';
import { type Command, UsageError, parseArgs } from '../command';
import { readBarsFile } from '../read-bars';
import { readBenchmark, writeOutput } from './features';

function parseStates(s: string | undefined): number {
  if (s === undefined) return 4;
  const k = Number(s);
  if (!Number.isInteger(k) || k < 2 || k > 20) throw new UsageError(`--states must be an integer from 2 to 20 (got "${s}")`);
  return k;
}

function parseFeatures(s: string | undefined): string[] {
  if (s === undefined) return [...DEFAULT_REGIME_FEATURES];
  const names = s.split(',').map((x) => x.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--features has an empty name ("${s}")`);
  for (const n of names) {
    try {
      getFeature(n);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
  }
  if (new Set(names).size !== names.length) throw new UsageError(`--features lists a feature twice ("${s}")`);
  return names;
}

export const regimeCommand: Command = {
  name: 'regime',
  summary: 'Regime detection (contract C Gaussian HMM) on daily bars, as JSON',
  usage:
    'qe regime <file.csv> [--states 4] [--features logret_1,vol_20] [--method hmm]\n' +
    '          [--benchmark <file.csv>] [--ticker T] [--out <file.json>]\n' +
    '  prints {method, features, states, covariance, loglik, iterations, converged, startprob,\n' +
    '  transmat, means, variances, dates, filtered, smoothed, viterbi}; rows where a feature is\n' +
    '  missing are dropped (dates lists the rows used). Only `filtered` is causal.',
  async run(args, io) {
    const { positional, flags } = parseArgs(args, { flags: ['states', 'features', 'method', 'benchmark', 'ticker', 'out'] });
    if (positional.length !== 1) throw new UsageError('expected exactly one CSV file');
    const method = flags.method ?? 'hmm';
    if (!(REGIME_METHODS as readonly string[]).includes(method)) {
      throw new UsageError(`--method "${method}" is not available yet; supported: ${REGIME_METHODS.join(', ')}`);
    }
    const states = parseStates(flags.states);
    const features = parseFeatures(flags.features);
    const input = readBarsFile(positional[0]);
    let pick = input.tickers;
    if (flags.ticker) pick = pick.filter((t) => t.ticker === flags.ticker.trim().toUpperCase());
    if (pick.length !== 1) {
      const have = input.tickers.map((t) => t.ticker).join(', ') || 'none';
      throw new UsageError(
        flags.ticker
          ? `ticker "${flags.ticker}" is not in ${positional[0]} (tickers: ${have})`
          : `${positional[0]} holds ${input.tickers.length} tickers (${have}); choose one with --ticker`,
      );
    }
    const needsBenchmark = features.filter((n) => getFeature(n).needs.includes('benchmark'));
    if (needsBenchmark.length > 0 && !flags.benchmark) {
      throw new UsageError(`feature ${needsBenchmark.join(', ')} needs --benchmark <file.csv>`);
    }
    const benchmark = flags.benchmark ? readBenchmark(flags.benchmark) : null;
    const result = detectHmmRegimes(pick[0].bars, { features, states, benchmark });
    writeOutput(io, flags.out, `${JSON.stringify(hmmRegimeDocument(result))}\n`);
    return 0;
  },
};
