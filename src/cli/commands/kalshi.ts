/**
 * `qe kalshi distribution` — distribution snapshot JSON per market from quote and market
 * files; `qe kalshi walkforward` — the event walk-forward (folds and aggregates) on a
 * feature table. Same engine as the app's Kalshi Events tab.
 */
import { readFileSync } from 'node:fs';
import { groupQuotes, parseMarketsFile, parseQuotesFile, parseTimestamp } from '../../engine/kalshi/files';
import { jiso, jnum, snapshotJson } from '../../engine/kalshi/json';
import { eventContractMetrics } from '../../engine/kalshi/contract-metrics';
import { buildSnapshot } from '../../engine/kalshi/snapshot';
import { type EventTable, eventWalkForward, WALKFORWARD_DEFAULTS } from '../../engine/kalshi/walkforward';
import { parseCsv } from '../../engine/iv/csv-table';
import { type Command, parseArgs, UsageError } from '../command';

const USAGE =
  'qe kalshi distribution <quotes.csv|json> --markets <markets.csv|json> [--asof <iso>]\n' +
  '       qe kalshi walkforward <features.csv> [--train-min 40] [--test 20] [--step 20]\n' +
  '  (features.csv: event_id, release_ts, label, optional event_type, then numeric feature columns)';

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function positiveInt(flags: Record<string, string>, name: string, dflt: number): number {
  const v = flags[name];
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer (got "${v}")`);
  return n;
}

function distribution(args: string[]): string {
  const { positional, flags } = parseArgs(args, { flags: ['markets', 'asof'] });
  if (positional.length !== 1) throw new UsageError('distribution needs exactly one quotes file');
  if (!flags.markets) throw new UsageError('distribution needs --markets <markets file>');
  let asof = Number.NaN;
  if (flags.asof !== undefined) {
    asof = parseTimestamp(flags.asof);
    if (!Number.isFinite(asof)) throw new UsageError(`--asof "${flags.asof}" is not an ISO-8601 time`);
  }
  const { markets, contracts } = parseMarketsFile(read(flags.markets), flags.markets);
  const rows = parseQuotesFile(read(positional[0]), positional[0]);
  const grouped = new Map(groupQuotes(rows, new Map(contracts.map((c) => [c.contract_id, c.market_id])), positional[0]).map((q) => [q.market_id, q]));
  const out = markets.map((m) => {
    const q = grouped.get(m.market_id);
    const cs = contracts.filter((c) => c.market_id === m.market_id);
    if (!q) return { market_id: m.market_id, event_id: m.event_id, asof: jiso(asof), error: 'no quotes for this market in the quotes file' };
    // Without --asof: the market's last quote time.
    const t = Number.isFinite(asof) ? asof : q.ts.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
    return { market_id: m.market_id, event_id: m.event_id, event_type: m.event_type, asof: jiso(t), snapshot: snapshotJson(buildSnapshot(m, cs, q, t)) };
  });
  return `${JSON.stringify({ markets: out }, null, 2)}\n`;
}

function featureTable(text: string, source: string): EventTable {
  const t = parseCsv(text, source);
  const names = t.header.map((h) => h.trim().toLowerCase());
  const col = (alts: string[], required: boolean) => {
    const i = names.findIndex((n) => alts.includes(n));
    if (i < 0 && required) throw new UsageError(`${source}: needs a column ${alts.join(' or ')} (has ${t.header.join(', ')})`);
    return i;
  };
  const cId = col(['event_id'], true);
  const cRel = col(['release_ts'], true);
  const cLab = col(['label', 'label_value'], true);
  const cType = col(['event_type'], false);
  const skip = new Set([cId, cRel, cLab, cType, ...names.flatMap((n, i) => (['market_id', 'asof_ts', 'label_source', 'label_mode', 'label_asof_ts'].includes(n) ? [i] : []))]);
  const featIdx = names.map((_, i) => i).filter((i) => !skip.has(i));
  const num = (r: number, c: number): number => {
    const s = (t.rows[r][c] ?? '').trim();
    if (s === '' || s.toLowerCase() === 'nan') return Number.NaN;
    const v = Number(s);
    if (!Number.isFinite(v)) throw new Error(`${source}, line ${t.lines[r]}, field "${t.header[c]}": "${s}" is not a number`);
    return v;
  };
  const n = t.rows.length;
  const release = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    release[r] = parseTimestamp(t.rows[r][cRel]?.trim());
    if (!Number.isFinite(release[r])) throw new Error(`${source}, line ${t.lines[r]}, field "release_ts": "${t.rows[r][cRel]}" is not an ISO-8601 time`);
  }
  return {
    event_id: t.rows.map((row) => row[cId].trim()),
    event_type: t.rows.map((row) => (cType >= 0 ? (row[cType] ?? '').trim().toUpperCase() : '')),
    release_ts: release,
    names: featIdx.map((i) => t.header[i]),
    columns: featIdx.map((c) => Float64Array.from({ length: n }, (_, r) => num(r, c))),
    label: Float64Array.from({ length: n }, (_, r) => num(r, cLab)),
  };
}

function walkforward(args: string[]): string {
  const { positional, flags } = parseArgs(args, { flags: ['train-min', 'test', 'step'] });
  if (positional.length !== 1) throw new UsageError('walkforward needs exactly one features CSV');
  const table = featureTable(read(positional[0]), positional[0]);
  const res = eventWalkForward(table, {
    trainMinEvents: positiveInt(flags, 'train-min', WALKFORWARD_DEFAULTS.trainMinEvents),
    testEventsPerFold: positiveInt(flags, 'test', WALKFORWARD_DEFAULTS.testEventsPerFold),
    step: positiveInt(flags, 'step', WALKFORWARD_DEFAULTS.step),
  });
  const folds = res.folds.map((f) => ({
    fold: f.fold,
    train_events: f.train_events,
    test_events: f.test_events,
    test_start_ts: jiso(f.test_start_ts),
    train_end_ts: jiso(f.train_end_ts),
    purge_days: f.purge_ms / 86_400_000,
    alpha: f.alpha,
    is_corr: jnum(f.is_corr),
    oos_corr: jnum(f.oos_corr),
    oos_mse: jnum(f.oos_mse),
    hit_rate: jnum(f.hit_rate),
    mean_return: jnum(f.mean_return),
    std_return: jnum(f.std_return),
    worst_loss: jnum(f.worst_loss),
    surprise_hit_rate: jnum(f.surprise_hit_rate),
    test_ids: f.test_ids,
  }));
  const aggregate = {
    n_events: res.n_events,
    features: table.names,
    wf_oos_corr: jnum(res.wf_oos_corr),
    wf_positive_fold_fraction: jnum(res.wf_positive_fold_fraction),
    wf_is_oos_gap: jnum(res.wf_is_oos_gap),
    worst_event_loss: jnum(res.worst_event_loss),
    hit_rate: jnum(res.hit_rate),
    sharpe: jnum(res.sharpe),
    n_trials_total: res.n_trials_total,
    skipped: res.skipped,
  };
  const c = eventContractMetrics(res, table);
  const contract = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, typeof v === 'number' ? jnum(v) : v]));
  return `${JSON.stringify({ folds, aggregate, contract }, null, 2)}\n`;
}

export const kalshiCommand: Command = {
  name: 'kalshi',
  summary: 'Kalshi event distributions (snapshot JSON per market) and the event walk-forward',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'distribution') io.out(distribution(rest));
    else if (sub === 'walkforward') io.out(walkforward(rest));
    else throw new UsageError(sub === undefined ? 'needs a sub-command: distribution or walkforward' : `unknown sub-command "${sub}" (distribution or walkforward)`);
    return 0;
  },
};
