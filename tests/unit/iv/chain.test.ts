import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { bsPrice } from '../../../src/engine/iv/black-scholes';
import { ChainInputError, prepareChain, type QuoteColumns } from '../../../src/engine/iv/chain';
import { syntheticHestonChain } from '../../../src/engine/iv/synthetic-chain';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function quotes(rows: [boolean, number, number, number][]): QuoteColumns {
  const n = rows.length;
  return {
    isCall: Uint8Array.from(rows.map((r) => (r[0] ? 1 : 0))),
    S: new Float64Array(n).fill(100),
    K: Float64Array.from(rows.map((r) => r[1])),
    T: Float64Array.from(rows.map((r) => r[2])),
    r: new Float64Array(n).fill(0.02),
    q: new Float64Array(n).fill(0),
    price: Float64Array.from(rows.map((r) => r[3])),
  };
}

describe('chain preparation', () => {
  it('keeps the out-of-the-money side per (T, K) and counts failures by code', () => {
    const p = (c: boolean, K: number) => bsPrice(c, 100, K, 0.5, 0.02, 0, 0.25);
    const prep = prepareChain(
      quotes([
        [true, 90, 0.5, p(true, 90)],
        [false, 90, 0.5, p(false, 90)],
        [true, 110, 0.5, p(true, 110)],
        [false, 110, 0.5, p(false, 110)],
        [true, 120, 0.5, 1e-9],
        [true, 130, 0.5, Number.NaN],
      ]),
    );
    expect(Array.from(prep.chain.K)).toEqual([90, 110, 120]);
    expect(Array.from(prep.chain.isCall)).toEqual([0, 1, 1]); // put below F, calls above
    expect(Math.abs(prep.chain.iv[0] - 0.25)).toBeLessThan(1e-10);
    expect(prep.duplicates).toBe(2);
    expect(prep.failed).toEqual({ bad_input: 1 });
    expect(prep.chain.iv[2]).toBeLessThan(0.1);
  });

  it('refuses a chain mixing spots or rates', () => {
    const q = quotes([
      [true, 100, 1, 5],
      [true, 110, 1, 3],
    ]);
    q.S[1] = 101;
    expect(() => prepareChain(q)).toThrow(ChainInputError);
    expect(() => prepareChain(q)).toThrow(/row 2/);
  });

  it('qe iv-surface fits a chain file and reports JSON', async () => {
    const c = syntheticHestonChain({ expiries: Float64Array.of(91 / 365, 1), noise: 0.002 });
    const lines = ['type,S,K,days,r,q,price'];
    for (let i = 0; i < c.T.length; i++) {
      for (const call of [true, false]) {
        const days = Math.round(c.T[i] * 365);
        lines.push(`${call ? 'call' : 'put'},100,${c.K[i]},${days},0.05,0.01,${bsPrice(call, 100, c.K[i], days / 365, 0.05, 0.01, c.iv[i])}`);
      }
    }
    const path = join(mkdtempSync(join(tmpdir(), 'qe-chain-')), 'chain.csv');
    writeFileSync(path, lines.join('\n'));
    let out = '';
    const code = await main(['iv-surface', path], { out: (t) => (out += t), err: () => undefined });
    expect(code).toBe(0);
    const rep = JSON.parse(out);
    expect(rep.quotes_used).toBe(50);
    expect(rep.quotes_duplicate).toBe(50);
    expect(rep.expiries).toEqual([91 / 365, 1]);
    expect(rep.svi.slices.length).toBe(2);
    expect(rep.svi.adj_calendar_violation).toBe(0);
    expect(rep.heston.iv_rmse).toBeLessThan(0.005);
    expect(Math.abs(rep.heston.rho + 0.7)).toBeLessThan(0.15);
    expect(typeof rep.heston.feller.satisfied).toBe('boolean');
  });
});
