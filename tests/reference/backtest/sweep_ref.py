#!/usr/bin/python3
"""Independent reference for the dual-SMA sweep (src/engine/backtest/sweep.ts), numpy/pandas.

Run from the repository root with Debian's interpreter:
    /usr/bin/python3 tests/reference/backtest/sweep_ref.py
Writes tests/fixtures/backtest/sweep_ref.json. Deterministic.

Definition (the sweep's documented one, implemented here with pandas operations):
  a_t = C_t/C_{t-1} - 1; s_t = 1 if SMA_fast(t) > SMA_slow(t) else 0 (NaN compares false);
  w = s.shift(lag).fillna(0); r_t = mean_i( w_{i,t-1} a_{i,t} - c |w_{i,t} - w_{i,t-1}| ),
  rows t = 1..T-1; total = prod(1 + r) - 1; sharpe = mean(r)/std(r, ddof=1)*sqrt(252)
  (None when std = 0); E = cumprod(1 + r), P = running max of max(1, E), mdd = min(E/P - 1);
  turnover = sum_t mean_i |w_t - w_{t-1}|; trades = number of 0 -> 1 switches at rows >= 1.
SMA values come from a prefix sum (np.cumsum, then (cs[t+1] - cs[t+1-n]) / n), the method
the engine documents, so that exact ties resolve identically; as a cross-check the script
also computes pandas' rolling(n).mean() and records how often the two disagree on the sign of
fast - slow (expected: never, or only at exact ties of the true averages).
Clean frame as in contract A: rows with a missing/non-positive price or negative volume are
dropped, dates sorted, duplicates keep the last.
"""
import json
import math
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
DATA = os.path.abspath(os.path.join(REPO, '..', 'shared', 'data', 'real', 'daily', 'csv'))
OUT = os.path.join(REPO, 'tests', 'fixtures', 'backtest', 'sweep_ref.json')


def load(ticker):
    d = pd.read_csv(os.path.join(DATA, ticker + '.csv'))
    d['date'] = pd.to_datetime(d['date'])
    ok = (d[['open', 'high', 'low', 'close']] > 0).all(axis=1) & (d['volume'] >= 0)
    d = d[ok].drop_duplicates('date', keep='last').sort_values('date')
    return d.set_index('date')['close'].astype(float)


def sma_prefix(c, n):
    cs = np.concatenate([[0.0], np.cumsum(c.values)])
    out = np.full(len(c), np.nan)
    out[n - 1:] = (cs[n:] - cs[:-n]) / n
    return pd.Series(out, index=c.index)


def sweep(closes, grid, lag, cost_bps):
    cost = cost_bps / 1e4
    rets = [c.pct_change() for c in closes]
    out = []
    disagreements = 0
    for f, s in grid:
        rs = []
        turns = []
        trades = 0
        for c, a in zip(closes, rets):
            fs, ss = sma_prefix(c, f), sma_prefix(c, s)
            pf, ps = c.rolling(f).mean(), c.rolling(s).mean()
            both = fs.notna() & ss.notna()
            disagreements += int(((fs > ss) != (pf > ps))[both].sum())
            sig = (fs > ss).astype(float)
            w = sig.shift(lag).fillna(0.0)
            dw = (w - w.shift(1)).abs()
            r = w.shift(1) * a - cost * dw
            rs.append(r.iloc[1:])
            turns.append(dw.iloc[1:])
            trades += int((w.diff().iloc[1:] > 0).sum())
        r = sum(rs) / len(rs)
        turn = (sum(turns) / len(turns)).sum()
        e = (1.0 + r).cumprod()
        p = np.maximum.accumulate(np.maximum(e.values, 1.0))
        mdd = float(np.min(e.values / p - 1.0))
        sd = r.std(ddof=1)
        sharpe = None if sd == 0 else float(r.mean() / sd * math.sqrt(252))
        out.append({'fast': f, 'slow': s, 'total_return': float(e.iloc[-1] - 1.0), 'sharpe': sharpe,
                    'max_drawdown': min(mdd, 0.0), 'turnover': float(turn), 'trades': trades})
    return out, disagreements


def main():
    spy = load('SPY')
    grid = [(f, s) for f in range(2, 63, 4) for s in range(20, 251, 10) if f < s]
    cases = []
    for lag, cost in [(1, 0.0), (1, 5.0), (0, 0.0)]:
        res, dis = sweep([spy], grid, lag, cost)
        cases.append({'name': f'SPY lag={lag} cost={cost}', 'tickers': ['SPY'], 'lag': lag, 'cost_bps': cost,
                      'rows': len(spy), 'sign_disagreements_vs_rolling_mean': dis, 'results': res})
    trio = [load(t) for t in ['SPY', 'JPM', 'XOM']]
    common = trio[0].index.intersection(trio[1].index).intersection(trio[2].index)
    trio = [c.loc[common] for c in trio]
    small = [(f, s) for f in (5, 10, 20, 50) for s in (30, 60, 100, 200) if f < s]
    res, dis = sweep(trio, small, 1, 10.0)
    cases.append({'name': 'SPY+JPM+XOM equal weight lag=1 cost=10', 'tickers': ['SPY', 'JPM', 'XOM'], 'lag': 1,
                  'cost_bps': 10.0, 'rows': len(common), 'first': str(common[0].date()), 'last': str(common[-1].date()),
                  'sign_disagreements_vs_rolling_mean': dis, 'results': res})
    with open(OUT, 'w') as fh:
        json.dump({'generator': 'tests/reference/backtest/sweep_ref.py', 'cases': cases}, fh, separators=(',', ':'))
    print(OUT, os.path.getsize(OUT), 'bytes', [c['sign_disagreements_vs_rolling_mean'] for c in cases])


if __name__ == '__main__':
    main()
