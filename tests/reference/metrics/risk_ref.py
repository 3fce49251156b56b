#!/usr/bin/python3
"""Independent reference for src/engine/risk (numpy/pandas/scipy).

Input: tests/fixtures/metrics/aapl_bh_vs_spy_gaps.input.csv (written by metrics_ref.py from
the real AAPL/SPY bars). Output: tests/fixtures/metrics/risk_aapl.expected.json.
Run from the repository root:  /usr/bin/python3 tests/reference/metrics/risk_ref.py

Definitions (engine-trading §4.10 on daily returns, returns-as-VaR sign convention):
- historical VaR at level L: numpy.percentile(r, 100(1-L)) (linear); ES = mean(r <= VaR)
- normal VaR = mu + sd*z, z = Phi^-1(1-L) (exact quantile), ES = mu - sd*phi(z)/(1-L); sd ddof 1
- Cornish-Fisher VaR with pandas' bias-corrected skew and excess kurtosis
- tail ratio = |P95/P5|; histogram = numpy.histogram(r, 50) (counts, edges, density)
- drawdown: E = cumprod(1+r), P = running max including E_0 = 1, dd = E/P - 1; episodes
  from a peak (first row reaching it, -1 = E_0) to the first row with E >= that peak
- rolling windows (first ROWS rows only, to keep the fixture small): volatility(63),
  Sharpe(63, rf 2%), and beta/alpha/correlation(60) of e = r - rf on eb = b - rf over the
  strategy/benchmark inner join, each window computed exactly (two-pass, constant -> NaN).
"""
import json
import math
import os

import numpy as np
import pandas as pd
from scipy.stats import norm

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
FIX = os.path.join(REPO, 'tests', 'fixtures', 'metrics')
ROWS = 800
SQRT252 = math.sqrt(252.0)


def nan_to_none(a):
    return [None if (v is None or (isinstance(v, float) and math.isnan(v))) else float(v) for v in a]


def window_moments(x, y):
    dx = x - x.mean()
    dy = y - y.mean()
    sxx = 0.0 if np.ptp(x) == 0 else float(np.sum(dx * dx))
    syy = 0.0 if np.ptp(y) == 0 else float(np.sum(dy * dy))
    sxy = 0.0 if sxx == 0 or syy == 0 else float(np.sum(dx * dy))
    return x.mean(), y.mean(), sxx, syy, sxy


def main():
    df = pd.read_csv(os.path.join(FIX, 'aapl_bh_vs_spy_gaps.input.csv'), dtype={'date': str}, float_precision='round_trip')
    r = df['strategy_ret'].to_numpy(dtype='float64')
    n = len(r)
    out = {'n': n}

    mu = r.mean()
    sd = np.std(r, ddof=1)
    s = pd.Series(r)
    skew = float(s.skew())
    kurt = float(s.kurt())
    for level, tag in ((0.95, '95'), (0.99, '99')):
        v = float(np.percentile(r, 100 * (1 - level)))
        out['var' + tag] = v
        out['es' + tag] = float(r[r <= v].mean())
        z = float(norm.ppf(1 - level))
        out['var' + tag + 'Normal'] = float(mu + sd * z)
        out['es' + tag + 'Normal'] = float(mu - sd * norm.pdf(z) / (1 - level))
        zcf = z + (z * z - 1) * skew / 6 + (z ** 3 - 3 * z) * kurt / 24 - (2 * z ** 3 - 5 * z) * skew * skew / 36
        out['var' + tag + 'CornishFisher'] = float(mu + sd * zcf)
    p5, p95 = np.percentile(r, 5), np.percentile(r, 95)
    out['tailRatio'] = float(abs(p95 / p5))
    out['skewness'] = skew
    out['excessKurtosis'] = kurt
    out['maxLoss'] = float(r.min())
    out['maxGain'] = float(r.max())

    eq = np.cumprod(1 + r)
    peak = np.maximum.accumulate(np.concatenate([[1.0], eq]))[1:]
    dd = eq / peak - 1
    out['maxDrawdown'] = float(dd.min())
    neg = dd[dd < 0]
    out['avgDrawdown'] = float(neg.mean()) if len(neg) else 0.0
    longest = run = 0
    for v in dd:
        run = run + 1 if v < 0 else 0
        longest = max(longest, run)
    out['longestDrawdownRows'] = longest
    out['ulcerIndex'] = float(math.sqrt(np.mean(dd * dd)))

    # Episodes, by a plain scan written independently of the TypeScript.
    episodes = []
    pk_val, pk_idx = 1.0, -1
    t = 0
    while t < n:
        if eq[t] > pk_val:
            pk_val, pk_idx = eq[t], t
        if eq[t] >= pk_val:
            t += 1
            continue
        start_peak_val, start_peak_idx = pk_val, pk_idx
        u = t
        while u < n and eq[u] < start_peak_val:
            u += 1
        seg = eq[t:u] / start_peak_val - 1
        trough = t + int(np.argmin(seg))
        rec = u if u < n else -1
        episodes.append({'peakIndex': start_peak_idx, 'troughIndex': trough, 'recoveryIndex': rec,
                         'depth': float(eq[trough] / start_peak_val - 1),
                         'length': (u if u < n else n - 1) - start_peak_idx})
        t = u
    order = sorted(range(len(episodes)), key=lambda i: (episodes[i]['depth'], i))
    out['episodes'] = len(episodes)
    out['drawdownTable'] = [episodes[i] for i in order[:10]]

    counts, edges = np.histogram(r, bins=50)
    density, _ = np.histogram(r, bins=50, density=True)
    out['histogram'] = {'counts': counts.tolist(), 'edges': edges.tolist(), 'density': density.tolist()}

    rr = r[:ROWS]
    rf = 0.02 / 252
    vol = np.full(ROWS, np.nan)
    shp = np.full(ROWS, np.nan)
    for t in range(62, ROWS):
        w = rr[t - 62:t + 1]
        sdw = 0.0 if np.ptp(w) == 0 else float(np.std(w, ddof=1))
        vol[t] = sdw * SQRT252
        e = w - rf
        shp[t] = np.nan if sdw == 0 else e.mean() / sdw * SQRT252
    out['rollingVol63'] = nan_to_none(vol)
    out['rollingSharpe63'] = nan_to_none(shp)

    strat = pd.Series(rr, index=df['date'].iloc[:ROWS].to_numpy())
    bench = pd.Series(df['benchmark_ret'].to_numpy(dtype='float64'), index=df['date'].to_numpy()).dropna()
    j = pd.concat([strat.rename('r'), bench.rename('b')], axis=1, join='inner')
    e = j['r'].to_numpy() - rf
    eb = j['b'].to_numpy() - rf
    m = len(j)
    beta = np.full(m, np.nan)
    alpha = np.full(m, np.nan)
    corr = np.full(m, np.nan)
    for t in range(59, m):
        mx, my, sxx, syy, sxy = window_moments(e[t - 59:t + 1], eb[t - 59:t + 1])
        if syy != 0:
            beta[t] = sxy / syy
            alpha[t] = 252 * (mx - beta[t] * my)
        if sxx * syy != 0:
            corr[t] = sxy / math.sqrt(sxx * syy)
    idx = pd.Index(df['date'].iloc[:ROWS].to_numpy())
    out['rollingBeta60'] = nan_to_none(pd.Series(beta, index=j.index).reindex(idx).to_numpy())
    out['rollingAlpha60'] = nan_to_none(pd.Series(alpha, index=j.index).reindex(idx).to_numpy())
    out['rollingCorr60'] = nan_to_none(pd.Series(corr, index=j.index).reindex(idx).to_numpy())
    out['rows'] = ROWS

    with open(os.path.join(FIX, 'risk_aapl.expected.json'), 'w') as f:
        json.dump(out, f, allow_nan=False)
        f.write('\n')
    print(json.dumps({k: v for k, v in out.items() if not isinstance(v, (list, dict))}))


if __name__ == '__main__':
    main()
