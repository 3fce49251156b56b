import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { trainReportJson } from '../../engine/models/report-json';
import type { EnsembleConfig } from '../../engine/models/ensemble';
import { DEFAULT_MEMBERS } from '../../engine/models/member';
import { MODEL_REGIME_SETTINGS, type TickerBars, trainFromBars } from '../../engine/models/pipeline';
import { DEFAULT_HORIZON } from '../../engine/models/targets';
import { type Command, UsageError, parseArgs } from '../command';
import { readBarsFile } from '../read-bars';

function intFlag(v: string | undefined, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const k = Number(v);
  if (!Number.isInteger(k) || k < min || k > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got "${v}")`);
  return k;
}

/** Every ticker of every file; a ticker appearing in two files is an error. */
export function readUniverse(files: readonly string[]): TickerBars[] {
  const out: TickerBars[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    for (const t of readBarsFile(f).tickers) {
      const prev = seen.get(t.ticker);
      if (prev) throw new UsageError(`ticker ${t.ticker} appears in both ${prev} and ${f}`);
      seen.set(t.ticker, f);
      out.push(t);
    }
  }
  if (out.length === 0) throw new UsageError('the input files hold no clean daily bars');
  return out.sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
}

export function readBenchmarkTicker(path: string): TickerBars {
  const r = readBarsFile(path);
  if (r.tickers.length !== 1) throw new UsageError(`--benchmark ${path} must hold exactly one ticker (found ${r.tickers.length})`);
  return r.tickers[0];
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train the ensemble predictor (purged walk-forward CV) on daily bars; prints CV metrics JSON',
  usage:
    'qe train <file.csv…> [--horizon 10] [--benchmark <file.csv>] [--out model.json] [--seed 42]\n' +
    '         [--folds K] [--members gbdt,ridge] [--no-regime-models] [--no-gates] [--refit-every 252]\n' +
    '  features: the core set (beta_60 only with --benchmark); regimes: causal HMM probabilities\n' +
    '  (expanding refits every --refit-every observations, filtered only); target: h-bar forward\n' +
    '  return (excess over the benchmark when given). Prints {status, cv folds, holdout,\n' +
    '  calibration, …}; writes the model JSON to --out (default model.json) when accepted.\n' +
    '  A model failing the spec gates (cv_gap > 0.15, holdout R² < 0) is rejected and not written\n' +
    '  (exit 1); --no-gates keeps it, with the failures recorded in its manifest and predictions.',
  async run(args, io) {
    const { positional, flags, switches } = parseArgs(args, {
      flags: ['horizon', 'benchmark', 'out', 'seed', 'folds', 'members', 'refit-every'],
      switches: ['no-regime-models', 'no-gates'],
    });
    if (positional.length === 0) throw new UsageError('expected at least one bars CSV file');
    const horizon = intFlag(flags.horizon, 'horizon', 1, 252) ?? DEFAULT_HORIZON;
    const seed = intFlag(flags.seed, 'seed', 0, 2 ** 31 - 1) ?? 42;
    const folds = intFlag(flags.folds, 'folds', 2, 20);
    const refitEvery = intFlag(flags['refit-every'], 'refit-every', 1, 10000) ?? MODEL_REGIME_SETTINGS.refitEvery;
    const memberNames = (flags.members ?? DEFAULT_MEMBERS.map((m) => m.name).join(',')).split(',').map((s) => s.trim());
    const members = memberNames.map((n) => {
      const m = DEFAULT_MEMBERS.find((d) => d.name === n);
      if (!m) throw new UsageError(`--members: unknown member "${n}" (available: ${DEFAULT_MEMBERS.map((d) => d.name).join(', ')})`);
      return m;
    });
    const universe = readUniverse(positional);
    const benchmark = flags.benchmark ? readBenchmarkTicker(flags.benchmark) : null;
    const config: Partial<EnsembleConfig> = {
      seed,
      members,
      regimeModels: !switches.has('no-regime-models'),
      enforceGates: !switches.has('no-gates'),
    };
    if (folds !== undefined) config.folds = folds;
    const res = await trainFromBars(universe, benchmark, {
      horizon,
      config,
      regime: { ...MODEL_REGIME_SETTINGS, refitEvery },
    });
    const out = flags.out ?? 'model.json';
    const report = trainReportJson(res, res.model ? out : null);
    io.out(`${JSON.stringify(report, null, 2)}\n`);
    for (const e of res.excluded) io.err(`note: ${e.ticker} left out: ${e.reason}\n`);
    for (const f of res.model?.manifest.gateFailures ?? []) io.err(`warning: gate failed (kept with --no-gates): ${f}\n`);
    if (!res.model) {
      io.err(`model rejected: ${res.report.global.reasons.join('; ')}\n`);
      return 1;
    }
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(res.model.toJSON()));
    return 0;
  },
};
