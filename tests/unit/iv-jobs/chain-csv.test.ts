import { describe, expect, it } from 'vitest';
import { ChainImportError, parseChainDate, parseOptionChainCsv } from '../../../src/storage/sources/option-chain-csv';

const HEADER = 'expiry,strike,type,bid,ask,underlying,rate,dividend_yield,quote_date,symbol';

function csv(...rows: string[]): string {
  return `${HEADER}\n${rows.join('\n')}\n`;
}

describe('parseChainDate', () => {
  it('reads ISO, ISO with time, YYYYMMDD and M/D/YYYY, and refuses impossible dates', () => {
    const d = Date.UTC(2024, 2, 15) / 86_400_000;
    expect(parseChainDate('2024-03-15')).toBe(d);
    expect(parseChainDate('2024-03-15T16:00:00Z')).toBe(d);
    expect(parseChainDate('20240315')).toBe(d);
    expect(parseChainDate('3/15/2024')).toBe(d);
    expect(parseChainDate('2024-02-30')).toBeNull();
    expect(parseChainDate('15.03.2024')).toBeNull();
  });
});

describe('parseOptionChainCsv', () => {
  it('maps header variants and computes T in ACT/365 calendar days', () => {
    const text =
      'Expiration Date,Strike Price,Call/Put,Bid Price,Ask Price,Last,Underlying Price,Risk-Free Rate,Div Yield,Trade Date,Ticker\n' +
      '2024-04-19,100,Call,2.0,2.2,2.1,100,0.05,0.01,2024-03-15,SPY\n' +
      '2024-04-19,95,p,0.8,0.9,,100,0.05,0.01,2024-03-15,SPY\n';
    const p = parseOptionChainCsv(text, { fileName: 'x.csv' });
    expect(p.columns).toMatchObject({
      expiry: 'Expiration Date',
      strike: 'Strike Price',
      type: 'Call/Put',
      bid: 'Bid Price',
      ask: 'Ask Price',
      spot: 'Underlying Price',
      rate: 'Risk-Free Rate',
      dividendYield: 'Div Yield',
      quoteDate: 'Trade Date',
      symbol: 'Ticker',
    });
    expect(p.groups).toHaveLength(1);
    const g = p.groups[0];
    expect(g).toMatchObject({ underlying: 'SPY', quoteDate: '2024-03-15', spot: 100, rate: 0.05, dividendYield: 0.01 });
    expect(Array.from(g.T)).toEqual([35 / 365, 35 / 365]);
    expect(Array.from(g.isCall)).toEqual([1, 0]);
    expect(Array.from(g.line)).toEqual([2, 3]);
    expect(Number.isNaN(g.last[1])).toBe(true); // empty last = missing, not an error
    expect(g.parseError).toEqual([null, null]);
    expect(p.warnings).toEqual([]);
  });

  it('takes a numeric "underlying" column as the price and a text one as the symbol', () => {
    const num = parseOptionChainCsv('expiry,strike,type,bid,ask,underlying\n2024-04-19,100,c,1,1.1,101.5\n', {
      fileName: 'a.csv',
      quoteDate: '2024-03-15',
      underlying: 'ABC',
      rate: 0.04,
      dividendYield: 0,
    });
    expect(num.groups[0].spot).toBe(101.5);
    expect(num.groups[0].underlying).toBe('ABC');
    const sym = parseOptionChainCsv('expiry,strike,type,bid,ask,underlying,spot\n2024-04-19,100,c,1,1.1,QQQ,400\n', {
      fileName: 'b.csv',
      quoteDate: '2024-03-15',
      rate: 0.04,
      dividendYield: 0,
    });
    expect(sym.groups[0]).toMatchObject({ underlying: 'QQQ', spot: 400 });
  });

  it('uses the import form for what the file lacks and names every substitution in a warning', () => {
    const p = parseOptionChainCsv('days,strike,type,bid,ask\n30,100,call,1,1.2\n', {
      fileName: 'f.csv',
      quoteDate: '2024-03-15',
      underlying: 'XYZ',
      spot: 99,
      rate: 0.03,
      dividendYield: 0.01,
    });
    const g = p.groups[0];
    expect(g).toMatchObject({ underlying: 'XYZ', quoteDate: '2024-03-15', spot: 99, rate: 0.03, dividendYield: 0.01 });
    expect(g.expiry[0]).toBe('2024-04-14');
    expect(g.T[0]).toBe(30 / 365);
    expect(p.warnings).toHaveLength(5);
    expect(p.warnings.join(' ')).toMatch(/Quote date 2024-03-15 from the import form/);
    expect(p.warnings.join(' ')).toMatch(/Rate 0.03 from the import form/);
  });

  it('fails the file, naming what is missing, when neither the file nor the form supplies it', () => {
    expect(() => parseOptionChainCsv('expiry,strike,type,bid,ask\n2024-04-19,100,c,1,2\n', { fileName: 'f.csv' })).toThrow(
      /f\.csv: no quote-date column .* and no quote date given/,
    );
    expect(() => parseOptionChainCsv('expiry,type,bid\n2024-04-19,c,1\n', { fileName: 'g.csv' })).toThrow(/missing column strike/);
    expect(() =>
      parseOptionChainCsv(csv('2024-04-19,100,c,1,1.1,100,0.05,0.01,2024-03-15,SPY'), { fileName: 'h.csv' }).groups,
    ).not.toThrow();
    expect(() =>
      parseOptionChainCsv('expiry,strike,type,bid,ask,symbol,quote_date\n2024-04-19,100,c,1,2,SPY,2024-03-15\n', { fileName: 'i.csv' }),
    ).toThrow(ChainImportError);
  });

  it('refuses percentage rates and differing spots within one chain, naming the lines', () => {
    expect(() => parseOptionChainCsv(csv('2024-04-19,100,c,1,1.1,100,5,0.01,2024-03-15,SPY'), { fileName: 'r.csv' })).toThrow(
      /line 2, field "rate": rate 5 looks like a percentage/,
    );
    expect(() =>
      parseOptionChainCsv(
        csv('2024-04-19,100,c,1,1.1,100,0.05,0.01,2024-03-15,SPY', '2024-04-19,105,c,1,1.1,100.5,0.05,0.01,2024-03-15,SPY'),
        { fileName: 's.csv' },
      ),
    ).toThrow(/lines 2 and 3 give different underlying prices \(100 and 100.5\) for SPY on 2024-03-15/);
  });

  it('keeps rows it cannot read, with the reason, and splits chains by (underlying, quote date)', () => {
    const p = parseOptionChainCsv(
      csv(
        '2024-04-19,100,c,1,1.1,100,0.05,0.01,2024-03-15,SPY',
        '2024-04-19,x,c,1,1.1,100,0.05,0.01,2024-03-15,SPY',
        '2024-13-19,100,straddle,1,?,100,0.05,0.01,2024-03-15,SPY',
        '2024-04-19,100,p,1,1.1,200,0.05,0.01,2024-03-15,QQQ',
        '2024-04-19,100,p,1,1.1,100,0.05,0.01,2024-03-18,SPY',
      ),
      { fileName: 'm.csv' },
    );
    expect(p.groups.map((g) => `${g.underlying}|${g.quoteDate}|${g.line.length}`)).toEqual([
      'QQQ|2024-03-15|1',
      'SPY|2024-03-15|3',
      'SPY|2024-03-18|1',
    ]);
    const spy = p.groups[1];
    expect(spy.parseError[0]).toBeNull();
    expect(spy.parseError[1]).toBe('"strike" "x" is not a number');
    expect(spy.parseError[2]).toBe('"expiry" "2024-13-19" is not a date; "type" "straddle" is not call or put; "ask" "?" is not a number');
    expect(p.rows).toBe(5);
  });
});
