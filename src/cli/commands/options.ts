import { readFileSync } from 'node:fs';
import { type Command, parseArgs, UsageError } from '../command';
import { bsGreeks, type Greeks } from '../../engine/iv/black-scholes';
import {
  type CsvTable,
  csvLine,
  formatNumber,
  numberField,
  optionTypeField,
  parseCsv,
  requireColumns,
} from '../../engine/iv/csv-table';
import { IV_CODE_NAMES, impliedVolCode } from '../../engine/iv/implied-vol';
import { bsVega } from '../../engine/iv/black-scholes';

/** Reads the CSV named by the single positional argument ('-' = stdin). */
export function readCsvArg(args: string[], name: string): { table: CsvTable; source: string } {
  const { positional } = parseArgs(args);
  if (positional.length !== 1) throw new UsageError(`${name} needs exactly one CSV file argument`);
  const source = positional[0];
  let text: string;
  try {
    text = readFileSync(source === '-' ? 0 : source, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${source}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { table: parseCsv(text, source), source };
}

/** Input columns as written, then the computed ones. */
function headerLine(table: CsvTable, extra: readonly string[]): string {
  return csvLine([...table.header, ...extra]);
}

export const optionsPriceCommand: Command = {
  name: 'options price',
  summary: 'Black–Scholes–Merton prices and greeks for a CSV of options (type,S,K,days,r,q,sigma)',
  usage: 'qe options price <options.csv | ->   (output: input columns + T,price,delta,gamma,vega; T = days/365)',
  async run(args, io) {
    const { table, source } = readCsvArg(args, 'options price');
    const [cType, cS, cK, cDays, cR, cQ, cSigma] = requireColumns(
      table,
      ['type', 's', 'k', 'days', 'r', 'q', 'sigma'],
      source,
    );
    const out: string[] = [headerLine(table, ['T', 'price', 'delta', 'gamma', 'vega'])];
    const g: Greeks = { price: 0, delta: 0, gamma: 0, vega: 0, theta: 0, rho: 0 };
    for (let i = 0; i < table.rows.length; i++) {
      const isCall = optionTypeField(table, i, cType, source);
      const S = numberField(table, i, cS, source);
      const K = numberField(table, i, cK, source);
      const T = numberField(table, i, cDays, source) / 365;
      const r = numberField(table, i, cR, source);
      const q = numberField(table, i, cQ, source);
      const sigma = numberField(table, i, cSigma, source);
      bsGreeks(isCall, S, K, T, r, q, sigma, g);
      out.push(
        csvLine([
          ...table.rows[i],
          formatNumber(T),
          formatNumber(g.price),
          formatNumber(g.delta),
          formatNumber(g.gamma),
          formatNumber(g.vega),
        ]),
      );
    }
    io.out(out.join(''));
    return 0;
  },
};

export const optionsIvCommand: Command = {
  name: 'options iv',
  summary: 'Implied volatilities for a CSV of option prices (type,S,K,days,r,q,price)',
  usage:
    'qe options iv <prices.csv | ->   (output: input columns + T,iv,code,vega_at_iv; iv empty unless code is ok)',
  async run(args, io) {
    const { table, source } = readCsvArg(args, 'options iv');
    const [cType, cS, cK, cDays, cR, cQ, cPrice] = requireColumns(
      table,
      ['type', 's', 'k', 'days', 'r', 'q', 'price'],
      source,
    );
    const out: string[] = [headerLine(table, ['T', 'iv', 'code', 'vega_at_iv'])];
    for (let i = 0; i < table.rows.length; i++) {
      const isCall = optionTypeField(table, i, cType, source);
      const S = numberField(table, i, cS, source);
      const K = numberField(table, i, cK, source);
      const T = numberField(table, i, cDays, source) / 365;
      const r = numberField(table, i, cR, source);
      const q = numberField(table, i, cQ, source);
      const price = numberField(table, i, cPrice, source);
      const v = impliedVolCode(isCall, S, K, T, r, q, price);
      const ok = v > 0;
      out.push(
        csvLine([
          ...table.rows[i],
          formatNumber(T),
          ok ? formatNumber(v) : '',
          IV_CODE_NAMES[ok ? 0 : -v],
          ok ? formatNumber(bsVega(S, K, T, r, q, v)) : '',
        ]),
      );
    }
    io.out(out.join(''));
    return 0;
  },
};
