import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type SimulatorOverrides, type SizingConfig, DEFAULT_SIMULATOR, RULE_DEFAULTS, resolveConfig } from '../../engine/backtest/config';
import { type TickerSeries, alignBars } from '../../engine/backtest/matrix';
import { parsePredictions } from '../../engine/backtest/predictions-io';
import { backtestReport } from '../../engine/backtest/report';
import { equityCsv, tradesCsv } from '../../engine/backtest/report-io';
import { type RuleSpec, type SignalMatrix, parseRule, predictionSignals, ruleSignals } from '../../engine/backtest/signals';
import { simulate } from '../../engine/backtest/simulator';
import { adjustSuspectedSplits } from '../../engine/backtest/splits';
import { canonicalJson, checksumColumns } from '../../engine/core/hash';
import { DAY_MS } from '../../engine/core/time';
import { DEFAULT_DRAWDOWN_CONTROL } from '../../engine/risk/drawdown-control';
import { DEFAULT_SIZER } from '../../engine/risk/sizing';
import { type Command, UsageError, parseArgs } from '../command';
import { readBarsFile } from '../read-bars';

const FLAGS = [
  'predictions',
  'rule',
  'benchmark',
  'out',
  'capital',
  'holding',
  'max-positions',
  'entry-threshold',
  'confidence-threshold',
  'exit-threshold',
  'position-size',
  'sizing',
  'target-vol',
  'fill',
  'stop-loss',
  'take-profit',
  'trailing-stop',
  'trailing-activation',
  'atr-stop',
  'stop-model',
  'commission-bps',
  'spread-bps',
  'impact',
  'max-participation',
  'min-fill',
  'edge-buffer',
  'rf',
  'trials',
  'sims',
] as const;
const SWITCHES = ['drawdown-control', 'static-costs', 'adjust-splits', 'no-null-baselines'] as const;

const USAGE =
  'qe backtest (--predictions <file.json|file.csv> | --rule sma:FAST,SLOW | --rule momentum:N) <bars.csv…>\n' +
  '    [--benchmark <bars.csv>] [--out <dir>] [--capital 1e6]\n' +
  '    [--holding 10|none] [--max-positions 20] [--entry-threshold 0.005] [--confidence-threshold 0.6]\n' +
  '    [--exit-threshold x|none] [--position-size 0.05] [--sizing fixed|vol_target|kelly|composite] [--target-vol 0.15]\n' +
  '    [--fill open|close] [--stop-loss x] [--take-profit x] [--trailing-stop x] [--trailing-activation x]\n' +
  '    [--atr-stop k] [--stop-model conservative|close_only]\n' +
  '    [--commission-bps x] [--spread-bps 3] [--impact 25|none] [--max-participation 0.02|none] [--min-fill 0.2]\n' +
  '    [--edge-buffer 5|none] [--static-costs] [--drawdown-control] [--adjust-splits] [--rf 0] [--trials 1] [--sims 1000] [--no-null-baselines]\n' +
  '  predictions: columns date,ticker,predicted_return[,confidence][,regime] (CSV) or a JSON array of such rows;\n' +
  '  a rule enters while its score is > 0 (fast SMA above slow / positive momentum) and exits when it is ≤ 0.\n' +
  '  Predictions must beat the estimated round-trip cost + --edge-buffer bps (off for rules).\n' +
  '  Fills are on the bar after the signal (open, or close with --fill close). Prints the report JSON;\n' +
  '  with --out also writes metrics.json, equity.csv and trades.csv there.';

function num(flags: Record<string, string>, name: string, opts: { min?: number; max?: number; int?: boolean } = {}): number | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${name} must be a number (got "${raw}")`);
  if (opts.int && !Number.isInteger(v)) throw new UsageError(`--${name} must be an integer (got ${raw})`);
  if (opts.min !== undefined && v < opts.min) throw new UsageError(`--${name} must be ≥ ${opts.min} (got ${raw})`);
  if (opts.max !== undefined && v > opts.max) throw new UsageError(`--${name} must be ≤ ${opts.max} (got ${raw})`);
  return v;
}

/** A number, or null for "none"/"off". */
function numOrNone(flags: Record<string, string>, name: string, opts: { min?: number; max?: number; int?: boolean } = {}): number | null | undefined {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  if (/^(none|off)$/i.test(raw.trim())) return null;
  return num(flags, name, opts);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function buildOverrides(flags: Record<string, string>, switches: Set<string>, isRule: boolean): SimulatorOverrides {
  const o: SimulatorOverrides = isRule ? { ...RULE_DEFAULTS } : {};
  const set = <K extends keyof SimulatorOverrides>(k: K, v: SimulatorOverrides[K] | undefined) => {
    if (v !== undefined) o[k] = v;
  };
  set('initialCapital', num(flags, 'capital', { min: 1 }));
  set('holdingDays', numOrNone(flags, 'holding', { min: 1, int: true }));
  set('maxPositions', num(flags, 'max-positions', { min: 1, int: true }));
  set('entryThreshold', num(flags, 'entry-threshold'));
  set('confidenceThreshold', num(flags, 'confidence-threshold'));
  set('exitThreshold', numOrNone(flags, 'exit-threshold'));
  const fill = flags.fill;
  if (fill !== undefined) {
    if (fill !== 'open' && fill !== 'close') throw new UsageError(`--fill must be open or close (got "${fill}")`);
    o.fill = fill;
  }
  const size = num(flags, 'position-size', { min: 0, max: 1 }) ?? 0.05;
  const method = flags.sizing ?? 'fixed';
  let sizing: SizingConfig;
  switch (method) {
    case 'fixed':
      sizing = { method: 'fixed', fraction: size };
      break;
    case 'vol_target':
      sizing = { method: 'vol_target', targetVol: num(flags, 'target-vol', { min: 0 }) ?? 0.15, min: 0.25 * size, max: 2 * size, horizonDays: null };
      break;
    case 'kelly':
      sizing = { method: 'kelly', kellyFraction: 0.5, max: 2 * size, minTrades: 20, fallbackFraction: size };
      break;
    case 'composite':
      sizing = { method: 'composite', sizer: { ...DEFAULT_SIZER, maxPosition: 2 * size, minPosition: 0.25 * size } };
      break;
    default:
      throw new UsageError(`--sizing must be fixed, vol_target, kelly or composite (got "${method}")`);
  }
  o.sizing = sizing;
  const stops: NonNullable<SimulatorOverrides['stops']> = {};
  const sl = num(flags, 'stop-loss', { min: 0, max: 1 });
  if (sl !== undefined) stops.stopLoss = sl;
  const tp = num(flags, 'take-profit', { min: 0 });
  if (tp !== undefined) stops.takeProfit = tp;
  const ts = num(flags, 'trailing-stop', { min: 0, max: 1 });
  if (ts !== undefined) stops.trailingStop = ts;
  const ta = num(flags, 'trailing-activation', { min: 0 });
  if (ta !== undefined) stops.trailingActivation = ta;
  const atr = num(flags, 'atr-stop', { min: 0 });
  if (atr !== undefined) stops.atrStop = atr;
  const model = flags['stop-model'];
  if (model !== undefined) {
    if (model !== 'conservative' && model !== 'close_only') throw new UsageError(`--stop-model must be conservative or close_only (got "${model}")`);
    stops.barModel = model;
  }
  o.stops = stops;
  const costs: NonNullable<SimulatorOverrides['costs']> = {};
  const cb = num(flags, 'commission-bps', { min: 0 });
  if (cb !== undefined) costs.commissionBps = cb;
  const sb = num(flags, 'spread-bps', { min: 0 });
  if (sb !== undefined) costs.spreadBps = sb;
  const imp = numOrNone(flags, 'impact', { min: 0 });
  if (imp !== undefined) costs.impactCoeffBps = imp ?? 0;
  const mp = numOrNone(flags, 'max-participation', { min: 0, max: 1 });
  if (mp !== undefined) costs.maxParticipation = mp ?? 0;
  const mf = num(flags, 'min-fill', { min: 0, max: 1 });
  if (mf !== undefined) costs.minFillRatio = mf;
  if (switches.has('static-costs')) costs.dynamic = false;
  o.costs = costs;
  const edge = numOrNone(flags, 'edge-buffer', { min: 0 });
  if (edge !== undefined) o.edgeGate = edge === null ? null : { bufferBps: edge };
  if (switches.has('drawdown-control')) o.drawdownControl = DEFAULT_DRAWDOWN_CONTROL;
  o.recordWeights = true;
  return o;
}

interface Loaded {
  series: TickerSeries[];
  warnings: string[];
  checksums: Record<string, string>;
}

function loadBars(files: string[], adjust: boolean): Loaded {
  const series: TickerSeries[] = [];
  const warnings: string[] = [];
  const checksums: Record<string, string> = {};
  for (const file of files) {
    const r = readBarsFile(file);
    if (r.badTimestamps > 0) warnings.push(`${basename(file)}: ${r.badTimestamps} rows with an unparseable date were skipped`);
    for (const t of r.tickers) {
      let bars = t.bars;
      if (bars.ts.length === 0) throw new Error(`${file}: ticker ${t.ticker} has no usable bars`);
      if (adjust) {
        const a = adjustSuspectedSplits(bars);
        bars = a.bars;
        for (const s of a.adjustments) warnings.push(`${t.ticker}: split ${s.ratio >= 1 ? `${s.ratio}:1` : `1:${Math.round(1 / s.ratio)}`} on ${s.date} back-adjusted (raw return ${(s.rawReturn * 100).toFixed(1)} %)`);
        for (const s of a.ignored) warnings.push(`${t.ticker}: ${(s.rawReturn * 100).toFixed(1)} % on ${s.date} looks like no customary split ratio; left unadjusted`);
      }
      series.push({ ticker: t.ticker, bars });
      checksums[t.ticker] = checksumColumns({ ts: bars.ts, open: bars.open, high: bars.high, low: bars.low, close: bars.close, volume: bars.volume });
    }
  }
  return { series, warnings, checksums };
}

function benchmarkReturns(file: string): { days: Int32Array; returns: Float64Array; name: string } {
  const r = readBarsFile(file);
  if (r.tickers.length !== 1) throw new UsageError(`--benchmark ${file} must hold exactly one ticker (found ${r.tickers.length})`);
  const b = r.tickers[0].bars;
  const n = b.ts.length;
  if (n < 2) throw new Error(`--benchmark ${file}: needs at least 2 bars`);
  const days = new Int32Array(n - 1);
  const returns = new Float64Array(n - 1);
  for (let j = 1; j < n; j++) {
    days[j - 1] = Math.floor(b.ts[j] / DAY_MS);
    returns[j - 1] = b.close[j] / b.close[j - 1] - 1;
  }
  return { days, returns, name: r.tickers[0].ticker };
}

export const backtestCommand: Command = {
  name: 'backtest',
  summary: 'Event-driven portfolio backtest from predictions or a rule: metrics JSON, equity and trades CSV',
  usage: USAGE,
  async run(args, io) {
    const { positional, flags, switches } = parseArgs(args, { flags: FLAGS, switches: SWITCHES });
    const hasPred = flags.predictions !== undefined;
    const hasRule = flags.rule !== undefined;
    if (hasPred === hasRule) throw new UsageError('give exactly one of --predictions <file> or --rule <spec>');
    if (positional.length === 0) throw new UsageError('no bar files given');
    const sims = num(flags, 'sims', { min: 1, int: true });
    const trials = num(flags, 'trials', { min: 1, int: true });
    const rfAnnual = num(flags, 'rf') ?? 0;
    let rule: RuleSpec | null = null;
    if (hasRule) {
      try {
        rule = parseRule(flags.rule);
      } catch (e) {
        throw new UsageError(e instanceof Error ? e.message : String(e));
      }
    }
    const config = resolveConfig(buildOverrides(flags, switches, hasRule), DEFAULT_SIMULATOR);
    const loaded = loadBars(positional, switches.has('adjust-splits'));
    const m = alignBars(loaded.series);
    let signals: SignalMatrix;
    let signalKey: string;
    let predictions: SignalMatrix | undefined;
    if (rule) {
      signals = ruleSignals(m, rule);
      signalKey = canonicalJson(rule);
    } else {
      const text = readText(flags.predictions);
      signals = predictionSignals(m, parsePredictions(text, basename(flags.predictions)));
      predictions = signals;
      signalKey = checksumColumns({ text: new TextEncoder().encode(text) });
    }
    const result = simulate({ matrix: m, signals, config });
    const benchmark = flags.benchmark ? benchmarkReturns(flags.benchmark) : undefined;
    const report = backtestReport(result, m, {
      seedKey: canonicalJson({ bars: loaded.checksums, signals: signalKey, config }),
      rfAnnual,
      ...(benchmark ? { benchmark } : {}),
      ...(trials !== undefined ? { nTrials: trials } : {}),
      ...(sims !== undefined ? { sims } : {}),
      nullBaselines: !switches.has('no-null-baselines'),
      ...(predictions ? { predictions } : {}),
      warnings: loaded.warnings,
    });
    const json = `${JSON.stringify(report, null, 2)}\n`;
    if (flags.out) {
      try {
        mkdirSync(flags.out, { recursive: true });
        writeFileSync(join(flags.out, 'metrics.json'), json);
        writeFileSync(join(flags.out, 'equity.csv'), equityCsv(result));
        writeFileSync(join(flags.out, 'trades.csv'), tradesCsv(result));
      } catch (e) {
        throw new Error(`cannot write to ${flags.out}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    io.out(json);
    return 0;
  },
};
