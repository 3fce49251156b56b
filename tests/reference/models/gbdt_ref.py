#!/usr/bin/python3
"""Independent references for the model engine (tests/unit/models/reference.test.ts).

Run with Debian's python (python3-sklearn 1.2, numpy, scipy):

    /usr/bin/python3 tests/reference/models/gbdt_ref.py            # fixtures only (seconds)
    /usr/bin/python3 tests/reference/models/gbdt_ref.py --bench    # + sklearn timing of the bench set

Data sets are regenerated here from the engine's seeded definition
(src/engine/models/synthetic.ts): sfc32 seeded through splitmix32, ported below with
32-bit integer arithmetic, and the target built from +, -, *, comparisons only, so both
sides produce the same doubles bit for bit (checked through checksums in the fixture).

Writes tests/fixtures/models/gbdt_ref.json (HistGradientBoostingRegressor test R² at
matched settings, its bin thresholds for two features, Ridge / lstsq coefficients) and,
with --bench, tests/fixtures/models/bench_sklearn.json (fit/predict seconds of
HistGradientBoostingRegressor on 100k x 40, 200 trees, depth 6, on this machine).
"""
import json
import os
import platform
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score

M32 = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & M32


class Prng:
    """src/engine/core/prng.ts (sfc32 with splitmix32 seeding), next() only."""

    def __init__(self, seed):
        s = seed & M32

        def nxt():
            nonlocal s
            s = (s + 0x9E3779B9) & M32
            z = s
            z = imul(z ^ (z >> 16), 0x85EBCA6B)
            z = imul(z ^ (z >> 13), 0xC2B2AE35)
            return (z ^ (z >> 16)) & M32

        self.a, self.b, self.c, self.d = nxt(), nxt(), nxt(), nxt()
        for _ in range(12):
            self.u32()

    def u32(self):
        a, b, c, d = self.a, self.b, self.c, self.d
        t = (((a + b) & M32) + d) & M32
        d = (d + 1) & M32
        a = b ^ (b >> 9)
        b = (c + ((c << 3) & M32)) & M32
        c = ((c << 21) & M32) | (c >> 11)
        c = (c + t) & M32
        self.a, self.b, self.c, self.d = a, b, c, d
        return t

    def next(self):
        hi = self.u32() >> 5
        lo = self.u32() >> 6
        return (hi * 67108864 + lo) / 9007199254740992


def synthetic(rows, features, seed, missing_rate=0.05, noise_scale=0.3):
    """src/engine/models/synthetic.ts, operation for operation."""
    p = Prng(seed)
    X = np.empty((rows, features))
    y = np.empty(rows)
    for i in range(rows):
        x = [0.0] * max(features, 9)
        for j in range(features):
            x[j] = 2 * p.next() - 1
        m = p.next()
        missing = features > 5 and m < missing_rate
        noise = noise_scale * (p.next() + p.next() + p.next() + p.next() - 2)
        t = (1 if x[0] > 0.2 else 0) + x[1] * x[2] + 0.5 * x[3] + 0.3 * x[4] * x[4] - 0.4 * abs(x[6])
        t += (0.5 if missing else 0.5 * x[5]) if features > 5 else 0
        t += 0.25 * x[7] * (1 if x[8] > 0 else 0)
        y[i] = t + noise
        for j in range(features):
            X[i, j] = float('nan') if (j == 5 and missing) else x[j]
    return X, y


def checksum(X, y):
    return {'x_sum': float(np.nansum(X)), 'x_nan': int(np.isnan(X).sum()), 'y_sum': float(y.sum()), 'y_first': float(y[0]), 'y_last': float(y[-1])}


GBDT_CASES = [
    # name, settings (engine names), sklearn kwargs
    ('leaf31', dict(maxIter=100, learningRate=0.1, maxLeafNodes=31, maxDepth=None, minSamplesLeaf=20, l2Regularization=0.0),
     dict(max_iter=100, learning_rate=0.1, max_leaf_nodes=31, max_depth=None, min_samples_leaf=20, l2_regularization=0.0)),
    ('depth4_l2', dict(maxIter=150, learningRate=0.05, maxLeafNodes=None, maxDepth=4, minSamplesLeaf=10, l2Regularization=1.0),
     dict(max_iter=150, learning_rate=0.05, max_leaf_nodes=None, max_depth=4, min_samples_leaf=10, l2_regularization=1.0)),
    ('small_leaves', dict(maxIter=60, learningRate=0.2, maxLeafNodes=15, maxDepth=None, minSamplesLeaf=5, l2Regularization=0.0),
     dict(max_iter=60, learning_rate=0.2, max_leaf_nodes=15, max_depth=None, min_samples_leaf=5, l2_regularization=0.0)),
]
DATA = dict(train_rows=4000, test_rows=2000, features=10, seed=20260101)


def gbdt_reference():
    n_tr, n_te = DATA['train_rows'], DATA['test_rows']
    X, y = synthetic(n_tr + n_te, DATA['features'], DATA['seed'])
    Xtr, ytr, Xte, yte = X[:n_tr], y[:n_tr], X[n_tr:], y[n_tr:]
    cases = []
    for name, engine, sk in GBDT_CASES:
        m = HistGradientBoostingRegressor(early_stopping=False, max_bins=255, random_state=0, **sk)
        m.fit(Xtr, ytr)
        cases.append({'name': name, 'settings': engine, 'test_r2': float(r2_score(yte, m.predict(Xte))),
                      'train_r2': float(r2_score(ytr, m.predict(Xtr))), 'n_iter': int(m.n_iter_)})
    mapper = HistGradientBoostingRegressor(max_iter=1, early_stopping=False).fit(Xtr, ytr)._bin_mapper
    thresholds = {str(j): [float(v) for v in mapper.bin_thresholds_[j]] for j in (0, 5)}
    return {'data': {**DATA, 'checksum': checksum(X, y)}, 'cases': cases, 'bin_thresholds': thresholds}


def ridge_reference():
    n, F, seed = 300, 6, 777
    X, y = synthetic(n, F, seed, missing_rate=0.0)
    mu, sd = X.mean(axis=0), X.std(axis=0)
    Z = (X - mu) / sd
    out = {'data': {'rows': n, 'features': F, 'seed': seed, 'missingRate': 0, 'checksum': checksum(X, y)}, 'alphas': []}
    # alpha = 0: ordinary least squares through numpy's lstsq on [1, X]
    A = np.column_stack([np.ones(n), X])
    beta, *_ = np.linalg.lstsq(A, y, rcond=None)
    out['lstsq'] = {'intercept': float(beta[0]), 'coef': [float(b) for b in beta[1:]]}
    for alpha in (0.5, 10.0, 1000.0):
        r = Ridge(alpha=alpha, fit_intercept=True, solver='cholesky').fit(Z, y)
        coef = r.coef_ / sd
        out['alphas'].append({'alpha': alpha, 'coef': [float(c) for c in coef], 'intercept': float(r.intercept_ - (coef * mu).sum())})
    return out


def bench_data():
    # Regenerating 4M draws in pure Python takes minutes: cache them outside the repo.
    cache = '/tmp/qe-gbdt-bench-100k-40-7.npz'
    if os.path.exists(cache):
        z = np.load(cache)
        return z['X'], z['y']
    X, y = synthetic(100_000, 40, 7)
    np.savez(cache, X=X, y=y)
    return X, y


def bench_reference():
    X, y = bench_data()
    kw = dict(max_iter=200, max_depth=6, max_leaf_nodes=None, learning_rate=0.1, min_samples_leaf=20, early_stopping=False, max_bins=255)
    fits, preds = [], []
    for _ in range(3):
        m = HistGradientBoostingRegressor(**kw)
        t = time.perf_counter(); m.fit(X, y); fits.append(time.perf_counter() - t)
        t = time.perf_counter(); p = m.predict(X); preds.append(time.perf_counter() - t)
    return {
        'machine': {'cpus': os.cpu_count(), 'platform': platform.platform(), 'python': platform.python_version(),
                    'sklearn': sklearn.__version__, 'numpy': np.__version__, 'omp_threads': os.environ.get('OMP_NUM_THREADS', 'default')},
        'data': {'rows': 100_000, 'features': 40, 'seed': 7, 'checksum': checksum(X, y)},
        'settings': kw,
        'fit_seconds': fits, 'fit_seconds_best': min(fits),
        'predict_seconds': preds, 'predict_seconds_best': min(preds),
        'train_r2': float(r2_score(y, p)), 'leaves': int(sum(pr.get_n_leaf_nodes() for it in m._predictors for pr in it)),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    fixtures = os.path.normpath(os.path.join(here, '..', '..', 'fixtures', 'models'))
    os.makedirs(fixtures, exist_ok=True)
    ref = {'generator': 'tests/reference/models/gbdt_ref.py', 'sklearn': sklearn.__version__, 'numpy': np.__version__,
           'gbdt': gbdt_reference(), 'ridge': ridge_reference()}
    with open(os.path.join(fixtures, 'gbdt_ref.json'), 'w') as f:
        json.dump(ref, f, indent=1)
    print('wrote gbdt_ref.json:', json.dumps([(c['name'], round(c['test_r2'], 4)) for c in ref['gbdt']['cases']]))
    if '--bench' in sys.argv:
        b = bench_reference()
        with open(os.path.join(fixtures, 'bench_sklearn.json'), 'w') as f:
            json.dump(b, f, indent=1)
        print('wrote bench_sklearn.json: fit', [round(s, 3) for s in b['fit_seconds']], 'predict', [round(s, 3) for s in b['predict_seconds']])


if __name__ == '__main__':
    main()
