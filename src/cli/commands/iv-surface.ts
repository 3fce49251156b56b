import { type Command, parseArgs } from '../command';
import { prepareChain } from '../../engine/iv/chain';
import { numberField, optionTypeField, requireColumns } from '../../engine/iv/csv-table';
import { calibrateHeston } from '../../engine/iv/heston-fit';
import { buildSviSurface } from '../../engine/iv/svi-surface';
import { readCsvArg } from './options';

export const ivSurfaceCommand: Command = {
  name: 'iv-surface',
  summary: 'Fit an option chain: SVI slices per expiry, arbitrage report, Heston calibration (JSON)',
  usage: 'qe iv-surface <chain.csv | -> [--no-heston]   (columns type,S,K,days,r,q and price and/or iv)',
  async run(args, io) {
    const { switches, positional } = parseArgs(args, { switches: ['no-heston'] });
    const { table, source } = readCsvArg(positional, 'iv-surface');
    const [cType, cS, cK, cDays, cR, cQ] = requireColumns(table, ['type', 's', 'k', 'days', 'r', 'q'], source);
    const norm = table.header.map((h) => h.trim().toLowerCase());
    const cPrice = norm.indexOf('price');
    const cIv = norm.indexOf('iv');
    if (cPrice < 0 && cIv < 0) throw new Error(`${source}: needs a price or an iv column`);
    const n = table.rows.length;
    const quotes = {
      isCall: new Uint8Array(n),
      S: new Float64Array(n),
      K: new Float64Array(n),
      T: new Float64Array(n),
      r: new Float64Array(n),
      q: new Float64Array(n),
      price: new Float64Array(n).fill(Number.NaN),
      iv: new Float64Array(n).fill(Number.NaN),
    };
    for (let i = 0; i < n; i++) {
      quotes.isCall[i] = optionTypeField(table, i, cType, source) ? 1 : 0;
      quotes.S[i] = numberField(table, i, cS, source);
      quotes.K[i] = numberField(table, i, cK, source);
      quotes.T[i] = numberField(table, i, cDays, source) / 365;
      quotes.r[i] = numberField(table, i, cR, source);
      quotes.q[i] = numberField(table, i, cQ, source);
      if (cPrice >= 0) quotes.price[i] = numberField(table, i, cPrice, source);
      if (cIv >= 0) quotes.iv[i] = numberField(table, i, cIv, source);
    }
    const { chain, failed, duplicates } = prepareChain(quotes);
    const surf = buildSviSurface(chain);
    const heston = switches.has('no-heston')
      ? null
      : calibrateHeston({ S: chain.S, r: chain.r, q: chain.q, T: chain.T, K: chain.K, iv: chain.iv });
    const report = {
      S: chain.S,
      r: chain.r,
      q: chain.q,
      quotes_used: chain.T.length,
      quotes_failed: failed,
      quotes_duplicate: duplicates,
      expiries: Array.from(surf.expiries),
      svi: {
        slices: surf.slices.map((s) => ({
          T: s.T,
          ...s.params,
          quotes: s.quotes,
          fitted: s.fit !== null,
          objective: s.fit?.objective ?? null,
          rmse_iv: s.fit?.rmseIv ?? null,
          validity: s.fit ? (s.fit.validity.length === 0 ? 'ok' : s.fit.validity.join(';')) : null,
          butterfly_min_g: s.fit?.butterflyMinG ?? null,
        })),
        k_grid: [surf.kGrid[0], surf.kGrid[surf.kGrid.length - 1], surf.kGrid.length],
        raw_calendar_violation: surf.rawCalendarViolation,
        adj_calendar_violation: surf.adjCalendarViolation,
        raw_calendar_violations: surf.rawCalendarViolations,
        adj_calendar_violations: surf.adjCalendarViolations,
      },
      heston: heston && {
        ...heston.params,
        iv_rmse: heston.ivRmse,
        quotes: heston.used,
        feller: heston.feller,
      },
    };
    io.out(`${JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
    return 0;
  },
};
