#!/usr/bin/python3
"""Independent reference for core contract E (performance metrics), numpy/pandas.

Builds three return files from the real daily bars in ../shared/data/real/daily/csv and
writes, per scenario, tests/fixtures/metrics/<name>.input.csv (what `qe metrics` reads)
and <name>.expected.json (contract E computed here, literally, from that same input).

Run from the repository root with Debian's interpreter:
    /usr/bin/python3 tests/reference/metrics/metrics_ref.py
It is deterministic; re-running rewrites identical files.

Derivation of the inputs
- AAPL.csv is unadjusted: the 7:1 (2014-06-09) and 4:1 (2020-08-31) splits show as
  -85% / -74% days. A close-to-close return with |r| > 0.4 (contract A's suspected-split
  threshold) is treated as a split with ratio k = round(c[t-1]/c[t]) and replaced by
  c[t]*k/c[t-1] - 1. SPY needs no adjustment.
- aapl_sma_vs_spy: long/flat AAPL on a 50/200-day SMA cross of the split-adjusted price
  index; w[t] = 1 if SMA50[t] > SMA200[t] else 0, decided at the close of t; the strategy
  return r[t] = w[t-1] * aapl_ret[t] (w = 0 before the first row). Rows start where SMA200
  exists. Benchmark SPY, rf 2%, corr window 63, weight column = w.
- aapl_bh_vs_spy_gaps: buy-and-hold AAPL returns vs SPY with benchmark cells removed (every
  13th row, and 10 consecutive rows from row 2500) to exercise the inner join. rf 0,
  corr window 21, no weight column (turnover null).
- spy_2007_2009: SPY returns 2007-06-01..2009-12-31 only, no benchmark column, weight 1 on
  every row (turnover = the initial 0 -> 1 step); the drawdown has not recovered by the end.
"""
import json
import math
import os
import sys

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
DATA = os.path.abspath(os.path.join(REPO, '..', 'shared', 'data', 'real', 'daily', 'csv'))
OUT = os.path.join(REPO, 'tests', 'fixtures', 'metrics')
SQRT252 = math.sqrt(252.0)


def load_returns(ticker):
    df = pd.read_csv(os.path.join(DATA, ticker + '.csv'))
    c = df['close'].astype('float64').to_numpy()
    ret = c[1:] / c[:-1] - 1.0
    for i in np.nonzero(np.abs(ret) > 0.4)[0]:
        k = round(c[i] / c[i + 1])
        adj = c[i + 1] * k / c[i] - 1.0
        print(f'{ticker} {df["date"].iloc[i + 1]}: split 1:{k}, return {ret[i]:.6f} -> {adj:.6f}', file=sys.stderr)
        ret[i] = adj
    return pd.Series(ret, index=pd.Index(df['date'].iloc[1:].to_numpy(), name='date'), name=ticker)


# ---------------------------------------------------------------- contract E, literally

def exact_std(x, ddof=1):
    """std with ddof; exactly 0 for a constant sample (its true value); NaN if too short."""
    x = np.asarray(x, dtype='float64')
    if len(x) - ddof <= 0:
        return float('nan')
    if np.ptp(x) == 0:
        return 0.0
    return float(np.std(x, ddof=ddof))


def ratio(a, b):
    if b == 0 or not math.isfinite(b):
        return None
    v = a / b
    return v if math.isfinite(v) else None


def fin(v):
    return float(v) if v is not None and math.isfinite(v) else None


def window_corr(x, y):
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return float('nan')
    dx = x - x.mean()
    dy = y - y.mean()
    return float(np.sum(dx * dy) / math.sqrt(np.sum(dx * dx) * np.sum(dy * dy)))


def contract_e(dates, r, bench=None, w=None, rf_annual=0.0, win=63):
    """dates: list of ISO strings; r: float64 array; bench: Series by ISO date (NaN = no bar)."""
    r = np.asarray(r, dtype='float64')
    n = len(r)
    rf = rf_annual / 252.0
    e = r - rf
    out = {}
    total = float(np.prod(1.0 + r)) - 1.0
    out['total_return'] = total
    out['cagr'] = -1.0 if 1.0 + total <= 0 else (1.0 + total) ** (252.0 / n) - 1.0
    out['ann_vol'] = fin(exact_std(r) * SQRT252)
    sd_e = exact_std(e)
    s = ratio(e.mean(), sd_e)
    out['sharpe'] = None if s is None else fin(s * SQRT252)
    dd_ = math.sqrt(np.mean(np.minimum(e, 0.0) ** 2))
    out['downside_dev_ann'] = dd_ * SQRT252
    s = ratio(e.mean(), dd_)
    out['sortino'] = None if s is None else fin(s * SQRT252)

    eq = np.cumprod(1.0 + r)
    eq0 = np.concatenate([[1.0], eq])          # E_0 .. E_n
    peak0 = np.maximum.accumulate(eq0)         # P with E_0 included
    dd = eq0[1:] / peak0[1:] - 1.0
    mdd = float(dd.min())
    if mdd >= 0:
        out['max_drawdown'] = 0.0
        out['max_dd_trough'] = out['max_dd_peak'] = out['max_dd_recovery'] = None
    else:
        out['max_drawdown'] = mdd
        trough = int(np.argmax(dd == mdd))
        out['max_dd_trough'] = dates[trough]
        pv = peak0[trough + 1]
        first = int(np.argmax(peak0 == pv))     # index into E_0..E_n
        out['max_dd_peak'] = None if first == 0 else dates[first - 1]
        after = np.nonzero(eq[trough + 1:] >= pv)[0]
        out['max_dd_recovery'] = dates[trough + 1 + int(after[0])] if len(after) else None
    out['calmar'] = ratio(out['cagr'], abs(out['max_drawdown']))
    nz = int(np.sum(r != 0))
    out['hit_rate'] = None if nz == 0 else int(np.sum(r > 0)) / nz
    if w is None:
        out['turnover_total'] = out['turnover_ann'] = None
    else:
        to = np.abs(np.diff(np.concatenate([[0.0], np.asarray(w, dtype='float64')])))
        out['turnover_total'] = float(to.sum())
        out['turnover_ann'] = float(to.mean() * 252.0)

    keys = ['beta', 'alpha_ann', 'correlation', 'tracking_error_ann', 'information_ratio']
    if bench is None:
        for k in keys:
            out[k] = None
        out['rolling_corr'] = None
        out['n_benchmark_rows'] = None
        return out
    strat = pd.Series(r, index=pd.Index(dates, name='date'), name='r')
    j = pd.concat([strat, bench.dropna().rename('b')], axis=1, join='inner')
    out['n_benchmark_rows'] = len(j)
    rj = j['r'].to_numpy()
    bj = j['b'].to_numpy()
    ej = rj - rf
    ebj = bj - rf
    var_b = exact_std(ebj) ** 2
    if len(j) >= 2 and exact_std(ej) > 0 and var_b > 0:
        cov = float(np.sum((ej - ej.mean()) * (ebj - ebj.mean())) / (len(j) - 1))
    else:
        cov = 0.0 if len(j) >= 2 else float('nan')
    beta = ratio(cov, var_b)
    out['beta'] = beta
    out['alpha_ann'] = None if beta is None else fin(252.0 * (ej.mean() - beta * ebj.mean()))
    out['correlation'] = fin(window_corr(ej, ebj)) if len(j) >= 2 else None
    act = rj - bj
    sd_a = exact_std(act)
    out['tracking_error_ann'] = fin(sd_a * SQRT252)
    s = ratio(act.mean(), sd_a)
    out['information_ratio'] = None if s is None else fin(s * SQRT252)

    rc = np.full(len(j), np.nan)
    for t in range(win - 1, len(j)):
        rc[t] = window_corr(rj[t - win + 1:t + 1], bj[t - win + 1:t + 1])
    # Cross-check against pandas' own rolling corr (an online algorithm, so ~1e-12 apart).
    pd_rc = j['r'].rolling(win, min_periods=win).corr(j['b']).to_numpy()
    both = ~np.isnan(rc) & ~np.isnan(pd_rc)
    if both.any():
        print(f'  rolling_corr: max |exact - pandas| = {np.max(np.abs(rc[both] - pd_rc[both])):.3g}', file=sys.stderr)
    by_date = pd.Series(rc, index=j.index).reindex(pd.Index(dates))
    out['rolling_corr'] = [None if math.isnan(v) else float(v) for v in by_date.to_numpy()]
    return out


ORDER = ['n_periods', 'n_benchmark_rows', 'first_date', 'last_date', 'rf_annual', 'corr_window',
         'total_return', 'cagr', 'ann_vol', 'sharpe', 'downside_dev_ann', 'sortino', 'max_drawdown',
         'max_dd_trough', 'max_dd_peak', 'max_dd_recovery', 'calmar', 'hit_rate', 'turnover_total',
         'turnover_ann', 'beta', 'alpha_ann', 'correlation', 'tracking_error_ann', 'information_ratio',
         'dates', 'rolling_corr']


def write_scenario(name, dates, r, bench=None, w=None, rf_annual=0.0, win=63):
    cols = {'date': dates, 'strategy_ret': [repr(float(v)) for v in r]}
    if bench is not None:
        b = bench.reindex(pd.Index(dates))
        cols['benchmark_ret'] = ['' if math.isnan(v) else repr(float(v)) for v in b.to_numpy()]
    if w is not None:
        cols['weight'] = [repr(float(v)) for v in w]
    header = list(cols.keys())
    with open(os.path.join(OUT, name + '.input.csv'), 'w', newline='\n') as f:
        f.write(','.join(header) + '\n')
        for i in range(len(dates)):
            f.write(','.join(cols[h][i] for h in header) + '\n')
    print(name, file=sys.stderr)
    m = contract_e(dates, r, bench, w, rf_annual, win)
    m.update(n_periods=len(r), first_date=dates[0], last_date=dates[-1], rf_annual=rf_annual,
             corr_window=win, dates=list(dates))
    with open(os.path.join(OUT, name + '.expected.json'), 'w') as f:
        json.dump({k: m[k] for k in ORDER}, f, allow_nan=False)
        f.write('\n')
    summary = {k: m[k] for k in ORDER if k not in ('dates', 'rolling_corr')}
    print('  ' + json.dumps(summary), file=sys.stderr)


def main():
    os.makedirs(OUT, exist_ok=True)
    aapl = load_returns('AAPL')
    spy = load_returns('SPY')

    # 1. SMA(50/200) long/flat on AAPL vs SPY.
    px = (1.0 + aapl).cumprod()
    fast = px.rolling(50, min_periods=50).mean()
    slow = px.rolling(200, min_periods=200).mean()
    live = slow.notna().to_numpy()
    start = int(np.argmax(live))
    w = (fast > slow).astype('float64').to_numpy()[start:]
    ret = aapl.to_numpy()[start:]
    w_prev = np.concatenate([[0.0], w[:-1]])
    strat = w_prev * ret
    dates = list(aapl.index[start:])
    write_scenario('aapl_sma_vs_spy', dates, strat, bench=spy, w=w, rf_annual=0.02, win=63)

    # 2. Buy-and-hold AAPL vs SPY with benchmark gaps.
    gappy = spy.copy()
    holes = np.zeros(len(gappy), dtype=bool)
    holes[::13] = True
    holes[2500:2510] = True
    gappy[holes] = np.nan
    write_scenario('aapl_bh_vs_spy_gaps', list(aapl.index), aapl.to_numpy(), bench=gappy, rf_annual=0.0, win=21)

    # 3. SPY through the 2008 crisis, no benchmark, constant weight.
    sub = spy[(spy.index >= '2007-06-01') & (spy.index <= '2009-12-31')]
    write_scenario('spy_2007_2009', list(sub.index), sub.to_numpy(), w=np.ones(len(sub)), rf_annual=0.0, win=63)


if __name__ == '__main__':
    main()
