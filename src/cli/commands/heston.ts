import type { Command } from '../command';
import { csvLine, formatNumber, numberField, optionTypeField, requireColumns } from '../../engine/iv/csv-table';
import { hestonPrice } from '../../engine/iv/heston';
import { readCsvArg } from './options';

export const hestonCommand: Command = {
  name: 'heston',
  summary: 'Heston European option prices (little-trap characteristic function, Lewis form)',
  usage:
    'qe heston <options.csv | ->   (input set,type,S,K,days,r,q,v0,kappa,theta,sigma,rho; output input columns + T,price)',
  async run(args, io) {
    const { table, source } = readCsvArg(args, 'heston');
    const cols = requireColumns(
      table,
      ['set', 'type', 's', 'k', 'days', 'r', 'q', 'v0', 'kappa', 'theta', 'sigma', 'rho'],
      source,
    );
    const [, cType, cS, cK, cDays, cR, cQ, cV0, cKappa, cTheta, cSigma, cRho] = cols;
    const out: string[] = [csvLine([...table.header, 'T', 'price'])];
    for (let i = 0; i < table.rows.length; i++) {
      const isCall = optionTypeField(table, i, cType, source);
      const num = (c: number) => numberField(table, i, c, source);
      const T = num(cDays) / 365;
      const p = { v0: num(cV0), kappa: num(cKappa), theta: num(cTheta), sigma: num(cSigma), rho: num(cRho) };
      const price = hestonPrice(isCall ? 'call' : 'put', num(cS), num(cK), T, num(cR), num(cQ), p);
      out.push(csvLine([...table.rows[i], formatNumber(T), formatNumber(price)]));
    }
    io.out(out.join(''));
    return 0;
  },
};
