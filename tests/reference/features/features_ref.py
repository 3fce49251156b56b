#!/usr/bin/python3
"""Independent reference for contract B (core daily features), pandas + numpy.

Run with Debian's interpreter (it has pandas):
    /usr/bin/python3 tests/reference/features/features_ref.py

For every case it builds the clean frame C (contract A.2), evaluates the contract's pandas
expressions, and recomputes every window statistic exactly (two-pass over each window with
numpy) — the contract's reference values. Both versions are compared here and the largest
relative gap is printed, as a check that the transcription matches pandas' semantics. The
exact values are written (first 300 rows + every 7th row) to
tests/fixtures/features/<case>.csv.gz with shortest round-trip floats and empty NaN.
"""
import gzip
import os
import sys

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
DATA = os.path.normpath(os.path.join(REPO, '..', 'shared', 'data', 'real', 'daily', 'csv'))
OUT = os.path.join(REPO, 'tests', 'fixtures', 'features')

NAMES = ['ret_1', 'ret_5', 'ret_20', 'logret_1', 'gap_1', 'vol_20', 'vol_60', 'parkinson_vol_20',
         'atr_14', 'natr_14', 'rsi_14', 'macd', 'macd_signal', 'macd_hist', 'bb_pctb_20',
         'zscore_20', 'volume_z_20', 'dist_sma_50', 'dist_sma_200', 'drawdown_252', 'skew_60',
         'kurt_60', 'amihud_20', 'beta_60']
TOL7 = {'bb_pctb_20', 'zscore_20', 'volume_z_20', 'skew_60', 'kurt_60'}


def clean_frame(path, drop_every=0):
    """Contract A.2 frame C. drop_every=k removes every k-th row (k-1, 2k-1, ...) of C."""
    df = pd.read_csv(path)
    df['date'] = pd.to_datetime(df['date'])
    df['_ord'] = np.arange(len(df))
    df = df.sort_values(['date', '_ord'], kind='stable')
    df = df.drop_duplicates('date', keep='last')
    prices = df[['open', 'high', 'low', 'close']]
    ok = prices.notna().all(axis=1) & (prices > 0).all(axis=1) & df['volume'].notna() & (df['volume'] >= 0)
    df = df[ok].reset_index(drop=True)
    if drop_every:
        df = df[(np.arange(len(df)) % drop_every) != drop_every - 1].reset_index(drop=True)
    return df


def windows(x, n):
    """(len(x), n) array of trailing windows; rows before n-1 are NaN."""
    x = np.asarray(x, dtype=float)
    out = np.full((len(x), n), np.nan)
    if len(x) >= n:
        out[n - 1:] = sliding_window_view(x, n)
    return out


def exact_mean(x, n):
    w = windows(x, n)
    return w.mean(axis=1)  # NaN if any value in the window is NaN


def exact_std(x, n):
    w = windows(x, n)
    m = w.mean(axis=1, keepdims=True)
    d = w - m
    s2 = (d * d).sum(axis=1) - d.sum(axis=1) ** 2 / n
    return np.sqrt(np.maximum(s2, 0) / (n - 1))


def exact_skew_kurt(x, n):
    w = windows(x, n)
    m = w.mean(axis=1, keepdims=True)
    d = w - m
    d = d - d.sum(axis=1, keepdims=True) / n  # second pass correction of the mean
    S2 = (d ** 2).sum(axis=1)
    S3 = (d ** 3).sum(axis=1)
    S4 = (d ** 4).sum(axis=1)
    with np.errstate(divide='ignore', invalid='ignore'):
        m2 = S2 / n
        m3 = S3 / n
        skew = np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2 ** 1.5
        kurt = (n + 1) * n * (n - 1) / ((n - 2) * (n - 3)) * S4 / S2 ** 2 - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))
    skew[S2 == 0] = np.nan
    kurt[S2 == 0] = np.nan
    return skew, kurt


def exact_cov_var(x, y, n):
    wx = windows(x, n)
    wy = windows(y, n)
    dx = wx - wx.mean(axis=1, keepdims=True)
    dy = wy - wy.mean(axis=1, keepdims=True)
    cov = ((dx * dy).sum(axis=1) - dx.sum(axis=1) * dy.sum(axis=1) / n) / (n - 1)
    var = ((dy * dy).sum(axis=1) - dy.sum(axis=1) ** 2 / n) / (n - 1)
    return cov, np.maximum(var, 0)


def nan_where(x, cond):
    x = np.array(x, dtype=float)
    x[cond] = np.nan
    return x


def features(df, bench, exact):
    o, h, l, c, v = (df[k].astype(float) for k in ['open', 'high', 'low', 'close', 'volume'])
    lr = np.log(c).diff()
    f = {}
    f['ret_1'] = c / c.shift(1) - 1
    f['ret_5'] = c / c.shift(5) - 1
    f['ret_20'] = c / c.shift(20) - 1
    f['logret_1'] = lr
    f['gap_1'] = o / c.shift(1) - 1
    if exact:
        f['vol_20'] = exact_std(lr, 20) * np.sqrt(252)
        f['vol_60'] = exact_std(lr, 60) * np.sqrt(252)
        hl2 = np.log(h / l) ** 2
        f['parkinson_vol_20'] = np.sqrt(252 * exact_mean(hl2, 20) / (4 * np.log(2)))
    else:
        f['vol_20'] = lr.rolling(20).std() * np.sqrt(252)
        f['vol_60'] = lr.rolling(60).std() * np.sqrt(252)
        f['parkinson_vol_20'] = np.sqrt(252 * (np.log(h / l) ** 2).rolling(20).mean() / (4 * np.log(2)))
    pc = c.shift(1)
    tr = pd.concat([h - l, (h - pc).abs(), (l - pc).abs()], axis=1).max(axis=1)
    tr.iloc[0] = h.iloc[0] - l.iloc[0]
    atr = tr.ewm(alpha=1 / 14, adjust=False, min_periods=14).mean()
    f['atr_14'] = atr
    f['natr_14'] = atr / c
    d = c.diff()
    ag = d.clip(lower=0).ewm(alpha=1 / 14, adjust=False, min_periods=14).mean()
    al = (-d).clip(lower=0).ewm(alpha=1 / 14, adjust=False, min_periods=14).mean()
    s = ag + al
    f['rsi_14'] = nan_where(100 * ag / s, (s == 0).to_numpy())
    macd = c.ewm(span=12, adjust=False, min_periods=12).mean() - c.ewm(span=26, adjust=False, min_periods=26).mean()
    sig = macd.ewm(span=9, adjust=False, min_periods=9).mean()
    f['macd'] = macd
    f['macd_signal'] = sig
    f['macd_hist'] = macd - sig
    if exact:
        m, sd = exact_mean(c, 20), exact_std(c, 20)
        vm, vs = exact_mean(v, 20), exact_std(v, 20)
    else:
        m, sd = c.rolling(20).mean().to_numpy(), c.rolling(20).std().to_numpy()
        vm, vs = v.rolling(20).mean().to_numpy(), v.rolling(20).std().to_numpy()
    cn, vn = c.to_numpy(), v.to_numpy()
    with np.errstate(divide='ignore', invalid='ignore'):
        bad = sd <= 1e-12 * np.abs(m)
        f['bb_pctb_20'] = nan_where((cn - (m - 2 * sd)) / (4 * sd), bad)
        f['zscore_20'] = nan_where((cn - m) / sd, bad)
        f['volume_z_20'] = nan_where((vn - vm) / vs, vs <= 1e-12 * np.abs(vm))
    if exact:
        f['dist_sma_50'] = cn / exact_mean(c, 50) - 1
        f['dist_sma_200'] = cn / exact_mean(c, 200) - 1
    else:
        f['dist_sma_50'] = c / c.rolling(50).mean() - 1
        f['dist_sma_200'] = c / c.rolling(200).mean() - 1
    f['drawdown_252'] = c / c.rolling(252).max() - 1
    if exact:
        f['skew_60'], f['kurt_60'] = exact_skew_kurt(lr, 60)
    else:
        f['skew_60'] = lr.rolling(60).skew()
        f['kurt_60'] = lr.rolling(60).kurt()
    dv = c * v
    ia = (f['ret_1'].abs() / dv).where(dv != 0)
    f['amihud_20'] = (exact_mean(ia, 20) if exact else ia.rolling(20).mean()) * 1e6
    beta = np.full(len(df), np.nan)
    if bench is not None:
        J = pd.merge(df[['date', 'close']].reset_index().rename(columns={'index': 'row'}),
                     bench[['date', 'close']].rename(columns={'close': 'b'}), on='date', how='inner')
        ra = J['close'] / J['close'].shift(1) - 1
        rb = J['b'] / J['b'].shift(1) - 1
        if exact:
            cov, var = exact_cov_var(ra, rb, 60)
        else:
            cov, var = ra.rolling(60).cov(rb).to_numpy(), rb.rolling(60).var().to_numpy()
        with np.errstate(divide='ignore', invalid='ignore'):
            b = nan_where(cov / var, var == 0)
        beta[J['row'].to_numpy()] = b
    f['beta_60'] = beta
    out = pd.DataFrame({k: np.asarray(f[k], dtype=float) for k in NAMES})
    return out.replace([np.inf, -np.inf], np.nan)


def compare(exact, pandas_expr, case):
    for k in NAMES:
        a = exact[k].to_numpy()
        b = pandas_expr[k].to_numpy()
        if not np.array_equal(np.isnan(a), np.isnan(b)):
            print(f'  {case} {k}: NaN positions differ between exact and pandas ({np.isnan(a).sum()} vs {np.isnan(b).sum()})')
        ok = ~np.isnan(a) & ~np.isnan(b)
        rel = np.abs(a[ok] - b[ok]) / np.maximum(1, np.abs(a[ok]))
        worst = rel.max() if rel.size else 0.0
        tol = 1e-7 if k in TOL7 else 1e-9
        flag = '  <-- exceeds tol' if worst > tol else ''
        if worst > 1e-12 or flag:
            print(f'  {case} {k}: max rel gap exact vs pandas = {worst:.3g}{flag}')


def fmt(x):
    return '' if np.isnan(x) else repr(float(x))


def write(df, feats, name):
    rows = [i for i in range(len(df)) if i < 300 or i % 7 == 0]
    path = os.path.join(OUT, f'{name}.csv.gz')
    lines = ['row,date,' + ','.join(NAMES)]
    dates = df['date'].dt.strftime('%Y-%m-%d').to_numpy()
    vals = feats.to_numpy()
    for i in rows:
        lines.append(f'{i},{dates[i]},' + ','.join(fmt(x) for x in vals[i]))
    with gzip.GzipFile(path, 'wb', mtime=0) as fh:
        fh.write(('\n'.join(lines) + '\n').encode())
    print(f'wrote {os.path.relpath(path, REPO)}: {len(rows)} of {len(df)} rows, {os.path.getsize(path)} bytes')


# name, ticker file, benchmark file, every k-th benchmark row removed (exercises the inner join)
CASES = [
    ('AAPL_vs_SPY', 'AAPL', 'SPY', 0),
    ('JPM_vs_SPYgaps', 'JPM', 'SPY', 13),
    ('TSLA_vs_SPY', 'TSLA', 'SPY', 0),
    ('GS_nobench', 'GS', None, 0),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, tk, bm, drop in CASES:
        df = clean_frame(os.path.join(DATA, f'{tk}.csv'))
        bench = clean_frame(os.path.join(DATA, f'{bm}.csv'), drop) if bm else None
        ex = features(df, bench, exact=True)
        pe = features(df, bench, exact=False)
        compare(ex, pe, name)
        write(df, ex, name)


if __name__ == '__main__':
    sys.exit(main())
