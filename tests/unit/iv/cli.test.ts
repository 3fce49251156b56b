import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { bsGreeks, bsPrice } from '../../../src/engine/iv/black-scholes';
import { parseCsv } from '../../../src/engine/iv/csv-table';
import { readFixture } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'qe-iv-'));

async function qe(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('qe options / svi / heston', () => {
  it('options price: input columns + T, price, greeks in shortest round-trip form', async () => {
    const p = file('price.csv', 'type,S,K,days,r,q,sigma\ncall,100,105,91,0.03,0.01,0.25\nPut,100,95,365,0.03,0,0\nc,100,,30,0.03,0,0.2\n');
    const { code, out } = await qe(['options', 'price', p]);
    expect(code).toBe(0);
    const t = parseCsv(out);
    expect(t.header).toEqual(['type', 'S', 'K', 'days', 'r', 'q', 'sigma', 'T', 'price', 'delta', 'gamma', 'vega']);
    expect(t.rows[0].slice(0, 7)).toEqual(['call', '100', '105', '91', '0.03', '0.01', '0.25']);
    const g = bsGreeks(true, 100, 105, 91 / 365, 0.03, 0.01, 0.25);
    expect(t.rows[0].slice(7)).toEqual([String(91 / 365), String(g.price), String(g.delta), String(g.gamma), String(g.vega)]);
    expect(t.rows[1].slice(8)).toEqual(['0', '0', '0', '0']); // σ = 0, OTM put: zero price and greeks
    expect(t.rows[2].slice(8)).toEqual(['', '', '', '']); // missing K → missing outputs
  });

  it('options iv: codes and empty iv unless ok', async () => {
    const ok = bsPrice(false, 100, 90, 0.5, 0.02, 0.01, 0.33);
    const p = file(
      'iv.csv',
      `type,S,K,days,r,q,price\nput,100,90,182.5,0.02,0.01,${ok}\ncall,100,100,0,0.02,0,1\ncall,100,90,365,0.05,0,1\ncall,100,100,365,0,0,99.5\ncall,100,100,365,0,0,\n`,
    );
    const { code, out } = await qe(['options', 'iv', p]);
    expect(code).toBe(0);
    const t = parseCsv(out);
    expect(t.header.slice(7)).toEqual(['T', 'iv', 'code', 'vega_at_iv']);
    expect(Math.abs(Number(t.rows[0][8]) - 0.33)).toBeLessThan(1e-10);
    expect(t.rows[0][9]).toBe('ok');
    expect(Number(t.rows[0][10])).toBeGreaterThan(0);
    expect(t.rows.slice(1).map((r) => [r[8], r[9], r[10]])).toEqual([
      ['', 'bad_input', ''],
      ['', 'outside_no_arbitrage_bounds', ''],
      ['', 'above_max_vol', ''],
      ['', 'bad_input', ''],
    ]);
  });

  it('errors name the line, row and field', async () => {
    const bad = file('bad.csv', 'type,S,K,days,r,q,sigma\ncall,100,100,30,0.01,0,0.2\ncall,100,abc,30,0.01,0,0.2\n');
    const r1 = await qe(['options', 'price', bad]);
    expect(r1.code).toBe(1);
    expect(r1.err).toContain('line 3 (data row 2), field "K": "abc" is not a number');
    const badType = file('badtype.csv', 'type,S,K,days,r,q,sigma\nstraddle,100,100,30,0.01,0,0.2\n');
    expect((await qe(['options', 'price', badType])).err).toContain('field "type": "straddle" is not call or put');
    const missing = file('missing.csv', 'type,S,K,days,r,q\ncall,100,100,30,0.01,0\n');
    expect((await qe(['options', 'price', missing])).err).toContain('missing column sigma');
    expect((await qe(['options', 'price'])).code).toBe(2);
  });

  it('svi: 31 rows per id with k = j/10, w, iv and validity', async () => {
    const p = file('svi.csv', 'id,a,b,rho,m,s,T\nok1,0.04,0.1,-0.4,0,0.1,0.5\nbad,-1,2.5,0.5,0,0.1,1\n');
    const { code, out } = await qe(['svi', p]);
    expect(code).toBe(0);
    const t = parseCsv(out);
    expect(t.header).toEqual(['id', 'T', 'k', 'w', 'iv', 'validity']);
    expect(t.rows.length).toBe(62);
    expect(t.rows.slice(0, 31).map((r) => r[2])).toEqual(Array.from({ length: 31 }, (_, j) => String((j - 15) / 10)));
    expect(t.rows[15]).toEqual(['ok1', '0.5', '0', '0.05', String(Math.sqrt(0.05 / 0.5)), 'ok']);
    // w < 0 → empty iv; reasons joined by ';'
    expect(t.rows[31 + 15][4]).toBe('');
    expect(t.rows[31 + 15][5]).toBe('min_total_variance<0;wing_slope>2');
  });

  it('heston: reproduces the reference grid within the contract tolerance', async () => {
    const ref = readFixture('heston_ref.csv');
    const cols = ['set', 'type', 'S', 'K', 'days', 'r', 'q', 'v0', 'kappa', 'theta', 'sigma', 'rho'];
    const input = [cols.join(','), ...ref.map((r) => cols.map((c) => r[c]).join(','))].join('\n');
    const { code, out } = await qe(['heston', file('heston.csv', input)]);
    expect(code).toBe(0);
    const t = parseCsv(out);
    expect(t.header).toEqual([...cols, 'T', 'price']);
    expect(t.rows.length).toBe(ref.length);
    for (let i = 0; i < ref.length; i++) {
      expect(Number(t.rows[i][12])).toBe(Number(ref[i].T));
      const d = Math.abs(Number(t.rows[i][13]) - Number(ref[i].price));
      expect(d).toBeLessThanOrEqual(1e-6 * Math.max(Number(ref[i].price), 1e-2));
    }
  });
});
