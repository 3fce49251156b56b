import { getFeature } from '../../engine/features/registry';
import { analyseRegimes } from '../../engine/regime/analysis';
import { DEFAULT_REGIME_FEATURES, REGIME_METHODS, type RegimeMethod, detectHmmRegimes, hmmRegimeDocument } from '../../engine/regime/detect';
import { consensusRegimeDocument, jumpRegimeDocument, rulesRegimeDocument } from '../../engine/regime/documents';
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

function parsePenalty(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const v = Number(s);
  if (!(Number.isFinite(v) && v >= 0) || s.trim() === '') throw new UsageError(`--penalty must be a number ≥ 0 (got "${s}")`);
  return v;
}

export const regimeCommand: Command = {
  name: 'regime',
  summary: 'Regime detection on daily bars (HMM per contract C, jump model, rules, consensus), as JSON',
  usage:
    'qe regime <file.csv> [--method hmm|jump|rules|consensus] [--states 4] [--features logret_1,vol_20]\n' +
    '          [--penalty λ] [--benchmark <file.csv>] [--ticker T] [--out <file.json>]\n' +
    '  hmm: {method, features, states, covariance, loglik, iterations, converged, startprob,\n' +
    '  transmat, means, variances, dates, filtered, smoothed, viterbi}; rows where a feature is\n' +
    '  missing are dropped (dates lists the rows used). Only `filtered` is causal.\n' +
    '  jump: centroids, penalty (default 3 × features), online states and probabilities (causal),\n' +
    '  whole-sample path (display only), empirical transmat and durations.\n' +
    '  rules: raw/online/smoothed labels, confidence, one-hot probabilities, rule inputs.\n' +
    '  consensus: weighted vote of hmm/rules/jump: probabilities, regime, confidence, uncertainty.',
  async run(args, io) {
    const { positional, flags } = parseArgs(args, {
      flags: ['states', 'features', 'method', 'penalty', 'benchmark', 'ticker', 'out'],
    });
    if (positional.length !== 1) throw new UsageError('expected exactly one CSV file');
    const method = flags.method ?? 'hmm';
    if (!(REGIME_METHODS as readonly string[]).includes(method)) {
      throw new UsageError(`--method "${method}" is unknown; supported: ${REGIME_METHODS.join(', ')}`);
    }
    const penalty = parsePenalty(flags.penalty);
    if (penalty !== undefined && method !== 'jump' && method !== 'consensus') {
      throw new UsageError('--penalty applies to --method jump or consensus only');
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
    const bars = pick[0].bars;
    let doc: unknown;
    if (method === 'hmm') {
      doc = hmmRegimeDocument(detectHmmRegimes(bars, { features, states, benchmark }));
    } else {
      const a = analyseRegimes(bars, { method: method as RegimeMethod, features, states, penalty, benchmark });
      doc = method === 'jump' ? jumpRegimeDocument(a) : method === 'rules' ? rulesRegimeDocument(a) : consensusRegimeDocument(a);
    }
    writeOutput(io, flags.out, `${JSON.stringify(doc)}\n`);
    return 0;
  },
};
