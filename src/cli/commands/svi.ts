import type { Command } from '../command';
import { csvLine, formatNumber, numberField, requireColumns, requiredNumberField } from '../../engine/iv/csv-table';
import { type SviParams, sviImpliedVol, sviTotalVariance, sviValidity } from '../../engine/iv/svi';
import { readCsvArg } from './options';

export const sviCommand: Command = {
  name: 'svi',
  summary: 'Raw SVI total variance, implied vol and validity on k = -1.5..1.5 for each parameter row',
  usage: 'qe svi <params.csv | ->   (input id,a,b,rho,m,s,T; output id,T,k,w,iv,validity, 31 rows per id)',
  async run(args, io) {
    const { table, source } = readCsvArg(args, 'svi');
    const [cId, cA, cB, cRho, cM, cS, cT] = requireColumns(table, ['id', 'a', 'b', 'rho', 'm', 's', 't'], source);
    const out: string[] = [csvLine(['id', 'T', 'k', 'w', 'iv', 'validity'])];
    for (let i = 0; i < table.rows.length; i++) {
      const p: SviParams = {
        a: requiredNumberField(table, i, cA, source),
        b: requiredNumberField(table, i, cB, source),
        rho: requiredNumberField(table, i, cRho, source),
        m: requiredNumberField(table, i, cM, source),
        s: requiredNumberField(table, i, cS, source),
      };
      const T = numberField(table, i, cT, source);
      const reasons = sviValidity(p);
      const validity = reasons.length === 0 ? 'ok' : reasons.join(';');
      const id = table.rows[i][cId];
      const tText = formatNumber(T);
      // k = j/10 exactly (no accumulated drift from repeated additions).
      for (let j = -15; j <= 15; j++) {
        const k = j / 10;
        out.push(
          csvLine([
            id,
            tText,
            formatNumber(k),
            formatNumber(sviTotalVariance(p, k)),
            formatNumber(sviImpliedVol(p, k, T)),
            validity,
          ]),
        );
      }
    }
    io.out(out.join(''));
    return 0;
  },
};
