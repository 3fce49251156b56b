#!/usr/bin/python3
"""Independent reference for the backtest validation statistics and risk add-ons
(src/engine/backtest/validation/*, src/engine/risk/{stress,attribution}.ts), numpy/scipy/pandas.

Run from the repository root with Debian's interpreter:
    /usr/bin/python3 tests/reference/backtest/validation_ref.py
Writes tests/fixtures/backtest/validation_ref.json (inputs and expected outputs). Deterministic
(numpy RandomState seeds fixed below).

Formulas are implemented here from the papers / spec text, not from the TypeScript:
- PSR (Bailey & Lopez de Prado 2012): Phi((SR - SR*) sqrt(n-1) / sqrt(1 - g3 SR + (g4-1)/4 SR^2)),
  g3 = scipy skew (biased), g4 = scipy kurtosis(fisher=False, bias=True).
- DSR (Bailey & Lopez de Prado 2014): SR0 = sqrt(V) ((1-gamma) Z^-1(1-1/N) + gamma Z^-1(1-1/(N e))).
- PBO by CSCV (Bailey, Borwein, Lopez de Prado, Zhu 2015), itertools.combinations over blocks.
- Walk-forward (spec 3.1), CPCV (spec 3.3) with scipy.stats.spearmanr.
- Null baselines (spec 3.6): momentum and zero (the random one depends on the PRNG stream).
- Stress scenarios / correlation stress (spec 4.8), attribution (engine's documented variant).
"""
import itertools
import json
import math
import os

import numpy as np
import pandas as pd
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
DATA = os.path.abspath(os.path.join(REPO, '..', 'shared', 'data', 'real', 'daily', 'csv'))
OUT = os.path.join(REPO, 'tests', 'fixtures', 'backtest', 'validation_ref.json')
EG = 0.5772156649015329


def f(x):
    x = float(x)
    return x if math.isfinite(x) else None


def psr(sr, n, g3, g4, sr_star=0.0):
    return stats.norm.cdf((sr - sr_star) * math.sqrt(n - 1) / math.sqrt(1 - g3 * sr + (g4 - 1) / 4 * sr * sr))


def expected_max(N, V):
    if N == 1:
        return 0.0
    return math.sqrt(V) * ((1 - EG) * stats.norm.ppf(1 - 1 / N) + EG * stats.norm.ppf(1 - 1 / (N * math.e)))


def sharpe_section(rng):
    # skewed, fat-tailed daily returns: mixture
    n = 750
    r = 0.0006 + 0.01 * rng.standard_t(5, n) - 0.02 * (rng.uniform(size=n) < 0.02)
    g3 = stats.skew(r)
    g4 = stats.kurtosis(r, fisher=False)
    sr = r.mean() / r.std(ddof=1)
    out = {'returns': r.tolist(), 'mean': f(r.mean()), 'std': f(r.std(ddof=1)), 'skew': f(g3), 'kurtosis': f(g4), 'sharpe': f(sr),
           'psr0': f(psr(sr, n, g3, g4)), 'psr_star_0_02': f(psr(sr, n, g3, g4, 0.02))}
    N, V = 50, 0.002
    sr0 = expected_max(N, V)
    out['dsr'] = {'n_trials': N, 'trials_variance': V, 'sr0': f(sr0), 'dsr': f(psr(sr, n, g3, g4, sr0))}
    t = stats.ttest_1samp(r, 0.0)
    out['t_test'] = {'t': f(t.statistic), 'p_one_sided': f(t.pvalue / 2 if t.statistic > 0 else 1 - t.pvalue / 2)}
    # Lo (2002) per spec 3.2: ddof 0 std, biased skew, excess kurtosis
    h, rf = 10, 0.04
    srl = (r - rf * h / 252).mean() / r.std(ddof=0)
    ex = stats.kurtosis(r, fisher=True)
    se = math.sqrt((1 + srl ** 2 / 2 - g3 * srl + ex / 4 * srl ** 2) / n)
    out['lo'] = {'rf': rf, 'holding': h, 'sharpe': f(srl), 'se': f(se), 'p': f(1 - stats.norm.cdf(srl / se))}
    # spec 3.5 deflated Sharpe (asymptotic E[max], own SE), ann factor sqrt(252/10), 36 trials
    ann = math.sqrt(252 / 10)
    obs = 1.3
    lnN = math.log(36)
    emax = math.sqrt(2 * lnN) * (1 - EG / (2 * lnN))
    s = obs / ann
    se2 = math.sqrt((1 + 0.5 * s * s - g3 * s + (g4 - 3) / 4 * s * s) / max(1, n - 1))
    z = (s - emax * se2) / se2
    out['spec_dsr'] = {'observed': obs, 'n_trials': 36, 'ann_factor': ann, 'p': f(1 - stats.norm.cdf(z)), 'deflated': f(z * ann),
                       'expected_max': f(emax * se2 * ann)}
    out['t_cdf'] = [{'t': tt, 'df': df, 'cdf': f(stats.t.cdf(tt, df))} for tt, df in
                    [(-3.2, 3), (-1.0, 7.5), (0.0, 10), (0.7, 1), (1.96, 30), (2.5, 120), (4.0, 2), (-0.3, 1000)]]
    return out


def paper_dsr():
    # Bailey & Lopez de Prado (2014), numerical example: SR 2.5 annualised, T = 1250 daily
    # observations, N = 100 trials, V[SR_n] = 1/2 (annualised), skewness -3, kurtosis 10.
    sr = 2.5 / math.sqrt(252)
    V = 0.5 / 252
    sr0 = expected_max(100, V)
    return {'sharpe': sr, 'n': 1250, 'skew': -3.0, 'kurtosis': 10.0, 'n_trials': 100, 'trials_variance': V,
            'sr0': f(sr0), 'sr0_annualised': f(sr0 * math.sqrt(252)), 'dsr': f(psr(sr, 1250, -3.0, 10.0, sr0))}


def sharpe_of(x):
    sd = x.std(ddof=1)
    return -np.inf if not sd > 1e-300 else x.mean() / sd


def cscv(M, S):
    T, N = M.shape
    size = T // S
    blocks = [M[b * size:(b + 1) * size] for b in range(S)]
    logits = []
    best_is = []
    oos_best = []
    for combo in itertools.combinations(range(S), S // 2):
        J = np.vstack([blocks[b] for b in combo])
        Jb = np.vstack([blocks[b] for b in range(S) if b not in combo])
        is_sr = np.array([sharpe_of(J[:, n]) for n in range(N)])
        oos_sr = np.array([sharpe_of(Jb[:, n]) for n in range(N)])
        nstar = int(np.argmax(is_sr))
        rank = stats.rankdata(oos_sr)[nstar]  # average ranks
        w = rank / (N + 1)
        logits.append(math.log(w / (1 - w)))
        best_is.append(nstar)
        oos_best.append(oos_sr[nstar])
    logits = np.array(logits)
    return {'pbo': f((logits <= 0).mean()), 'logits': [float(x) for x in logits], 'best_is': best_is,
            'prob_oos_loss': f((np.array(oos_best) < 0).mean())}


def pbo_section(rng):
    T, N = 240, 12
    M = 0.01 * rng.standard_normal((T, N)) + np.linspace(-0.0005, 0.0008, N)
    return {'rows': T, 'strategies': N, 'matrix': M.ravel().tolist(), 'S8': cscv(M, 8), 'S6': cscv(M, 6)}


def spearman_section(rng):
    x = np.round(rng.standard_normal(60), 1)  # ties
    y = np.round(0.5 * x + rng.standard_normal(60), 1)
    return {'x': x.tolist(), 'y': y.tolist(), 'rho': f(stats.spearmanr(x, y).correlation)}


def sp(a, b):
    c = stats.spearmanr(a, b).correlation
    return 0.0 if not np.isfinite(c) else float(c)


def walk_forward_section(rng):
    n = 640
    pred = 0.01 * rng.standard_normal(n)
    act = 0.6 * pred + 0.01 * rng.standard_normal(n)
    folds_n, purge, embargo, thr = 5, 10, 5, 0.005
    size = n // (folds_n + 1)
    folds = []
    for i in range(folds_n):
        ts0 = (i + 1) * size
        te = min(ts0 + size, n)
        tr_end = max(0, ts0 - purge)
        ts = min(ts0 + embargo, te)
        if tr_end < 50 or te - ts < 20:
            continue
        longs = act[ts:te][pred[ts:te] > thr]
        gains = longs[longs > 0].sum()
        losses = longs[longs <= 0].sum()
        pf = gains / abs(losses) if losses < 0 else (10.0 if gains > 0 else 0.0)
        sd = longs.std(ddof=1) if len(longs) > 1 else 0.0
        folds.append({'fold': i, 'train_end': tr_end, 'test_start': ts, 'test_end': te, 'is_corr': sp(pred[:tr_end], act[:tr_end]),
                      'oos_corr': sp(pred[ts:te], act[ts:te]), 'n_long': int(len(longs)),
                      'test_mean_return': float(longs.mean()) if len(longs) else 0.0,
                      'win_rate': float((longs > 0).mean()) if len(longs) else 0.0, 'profit_factor': float(pf),
                      'sharpe': float(longs.mean() / sd) if len(longs) > 1 and sd >= 1e-12 else 0.0})
    oos = np.array([x['oos_corr'] for x in folds])
    iss = np.array([x['is_corr'] for x in folds])
    return {'predicted': pred.tolist(), 'actual': act.tolist(), 'folds': folds, 'avg_oos_corr': f(oos.mean()),
            'avg_is_corr': f(iss.mean()), 'oos_corr_std': f(oos.std(ddof=0)),
            'is_overfit': bool(oos.mean() <= 0 or iss.mean() / (oos.mean() + 1e-10) > 2.5)}


def cpcv_section(rng):
    n = 420
    pred = 0.01 * rng.standard_normal(n)
    act = 0.3 * pred + 0.01 * rng.standard_normal(n)
    P, K, purge, embargo = 8, 4, 10, 5
    size = n // P
    bounds = [(g * size, n if g == P - 1 else (g + 1) * size) for g in range(P)]
    splits = []
    for combo in itertools.combinations(range(P), K):
        excl = np.zeros(n, bool)
        test = []
        for g in combo:
            s, e = bounds[g]
            test.extend(range(s, e))
            excl[max(0, s - purge):min(n, e + embargo)] = True
        train = np.where(~excl)[0]
        test = np.array(test)
        longs = act[test][pred[test] > 0.005]
        splits.append({'groups': list(combo), 'n_train': int(len(train)), 'n_test': int(len(test)),
                       'train_head': train[:3].tolist(), 'is_corr': sp(pred[train], act[train]), 'oos_corr': sp(pred[test], act[test]),
                       'oos_long_mean': float(longs.mean()) if len(longs) else 0.0})
    oos = np.array([s['oos_corr'] for s in splits])
    return {'predicted': pred.tolist(), 'actual': act.tolist(), 'splits': splits, 'median_oos_corr': f(np.median(oos)),
            'fraction_positive': f((oos > 0).mean()), 'mean_oos_long': f(np.mean([s['oos_long_mean'] for s in splits]))}


def load_close(t):
    d = pd.read_csv(os.path.join(DATA, t + '.csv'))
    ok = (d[['open', 'high', 'low', 'close']] > 0).all(axis=1) & (d['volume'] >= 0)
    d = d[ok].drop_duplicates('date', keep='last').sort_values('date')
    return d['close'].to_numpy(float)


def baseline_metrics(r, rf=0.04):
    e = np.cumprod(1 + r)
    peak = np.maximum.accumulate(e)
    ex = r - rf / 252
    sd = ex.std(ddof=1)
    return {'total_return': f(e[-1] - 1), 'sharpe': f(0.0 if sd < 1e-12 else ex.mean() / sd * math.sqrt(252)),
            'max_drawdown': f(min(0.0, ((e - peak) / peak).min())), 'win_rate': f((r > 0).mean()), 'n': int(len(r))}


def null_section():
    pooled = []
    for t in ['SPY', 'JPM', 'XOM']:
        c = load_close(t)
        s = pd.Series(c)
        fwd = (s.shift(-1) / s - 1).to_numpy()
        roc = (s / s.shift(20) - 1).to_numpy()
        sig = np.where(roc > 0, 1.0, -1.0)
        strat = pd.Series(sig).shift(1).to_numpy() * fwd
        pooled.append(strat[1:len(c) - 1])
    r = np.concatenate(pooled) - 0.002
    return {'tickers': ['SPY', 'JPM', 'XOM'], 'momentum': baseline_metrics(r)}


def stress_section(rng):
    T, N = 300, 4
    base = 0.01 * rng.standard_normal((T, 1))
    R = base * np.array([1.2, 0.8, 1.0, 0.5]) + 0.008 * rng.standard_normal((T, N))
    w = np.array([0.4, -0.2, 0.3, 0.1])
    wn = w / np.abs(w).sum()
    m = R.mean(axis=1)
    betas = np.array([np.cov(R[:, i], m, ddof=1)[0, 1] / np.var(m, ddof=1) for i in range(N)])
    beta = float(wn @ betas)
    cov = np.cov(R.T, ddof=1)
    sig = math.sqrt(wn @ cov @ wn * 252)
    scen = [('2008_crisis', -0.38, 2.5), ('2020_covid', -0.34, 3.0), ('2022_rates', -0.19, 1.5), ('flash_crash', -0.07, 4.0),
            ('stagflation', -0.15, 1.8)]
    rows = [{'scenario': s, 'loss': beta * mk, 'vol_adjusted_loss': beta * mk * math.sqrt(max(vm, 1)),
             'var95_stressed': -(sig * vm / math.sqrt(252)) * 1.645} for s, mk, vm in scen]
    sd = np.sqrt(np.diag(cov))
    Rs = np.full((N, N), 0.9)
    np.fill_diagonal(Rs, 1.0)
    cs = np.outer(sd, sd) * Rs
    dn = math.sqrt(wn @ cov @ wn)
    ds = math.sqrt(wn @ cs @ wn)
    und = float(np.abs(wn) @ sd)
    corr = {'normal_vol': dn * math.sqrt(252), 'stress_vol': ds * math.sqrt(252), 'var99': 2.326 * ds,
            'benefit': 1 - dn / und, 'stress_benefit': 1 - ds / und}
    return {'rows': T, 'assets': N, 'returns': R.ravel().tolist(), 'weights': w.tolist(), 'beta': beta, 'sigma': sig,
            'scenarios': rows, 'correlation': corr}


def attribution_section(rng):
    n = 300
    b = 0.0004 + 0.01 * rng.standard_normal(n)
    f1 = 0.005 * rng.standard_normal(n)
    f2 = 0.004 * rng.standard_normal(n)
    p = 0.0002 + 1.1 * b + 0.5 * f1 - 0.3 * f2 + 0.003 * rng.standard_normal(n)
    beta = np.cov(p, b, ddof=1)[0, 1] / np.var(b, ddof=1)
    X = np.column_stack([np.ones(n), f1, f2])
    coef = np.linalg.lstsq(X, p - beta * b, rcond=None)[0]
    total = np.prod(1 + p) - 1
    bench = np.prod(1 + b) - 1
    fc = coef[1] * (np.prod(1 + f1) - 1) + coef[2] * (np.prod(1 + f2) - 1)
    # rolling (window 60) OLS of p on [1, b, f1, f2] at the last row
    w = 60
    Xr = np.column_stack([np.ones(w), b[-w:], f1[-w:], f2[-w:]])
    cr = np.linalg.lstsq(Xr, p[-w:], rcond=None)[0]
    years = n / 252
    ap = (1 + total) ** (1 / years) - 1
    ab = (1 + bench) ** (1 / years) - 1
    te = np.std(p - b, ddof=1) * math.sqrt(252)
    return {'p': p.tolist(), 'b': b.tolist(), 'f1': f1.tolist(), 'f2': f2.tolist(), 'beta': f(beta), 'loadings': coef[1:].tolist(),
            'total': f(total), 'bench': f(bench), 'market': f(beta * bench), 'factor': f(fc), 'residual': f(total - beta * bench - fc),
            'rolling_last': {'beta': f(cr[1]), 'market': f(cr[1] * b[-1]), 'factor': f(cr[2] * f1[-1] + cr[3] * f2[-1]),
                             'alpha': f(p[-1] - cr[1] * b[-1] - cr[2] * f1[-1] - cr[3] * f2[-1])},
            'report': {'ann_return': f(ap), 'ann_bench': f(ab), 'tracking_error': f(te), 'information_ratio': f((ap - ab) / te),
                       'sharpe': f(ap / (np.std(p, ddof=1) * math.sqrt(252)))}}


def main():
    rng = np.random.RandomState(20240611)
    out = {
        'generator': 'tests/reference/backtest/validation_ref.py',
        'sharpe': sharpe_section(rng),
        'paper_dsr': paper_dsr(),
        'pbo': pbo_section(rng),
        'spearman': spearman_section(rng),
        'walk_forward': walk_forward_section(rng),
        'cpcv': cpcv_section(rng),
        'null': null_section(),
        'stress': stress_section(rng),
        'attribution': attribution_section(rng),
    }
    with open(OUT, 'w') as fh:
        json.dump(out, fh, separators=(',', ':'))
    print(OUT, os.path.getsize(OUT), 'bytes; paper DSR', out['paper_dsr'])


if __name__ == '__main__':
    main()
