#!/usr/bin/python3
"""Independent numpy reference for contract C (Gaussian HMM, diagonal emissions).

    /usr/bin/python3 tests/reference/features/hmm_ref.py

Log-space forward–backward (the engine uses the scaled form), so the two implementations
share the contract, not the arithmetic. Observations come from features_ref.py's contract-B
features of real files. Writes tests/fixtures/features/hmm_<case>.json.gz.
"""
import gzip
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import features_ref as fr  # noqa: E402

TOL = 1e-4
MAX_ITER = 1000
MASS_MIN = 1e-10


def lse(a, axis=None, keepdims=False):
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    s = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return s if keepdims else np.squeeze(s, axis=axis) if axis is not None else s.item()


def log_emissions(X, mu, var):
    # log b_k(x) = -1/2 sum_d [ln(2 pi var_kd) + (x_d - mu_kd)^2 / var_kd]
    return -0.5 * (np.log(2 * np.pi * var)[None, :, :] + (X[:, None, :] - mu[None, :, :]) ** 2 / var[None, :, :]).sum(axis=2)


def estep(X, pi, A, mu, var):
    T, K = X.shape[0], pi.shape[0]
    lb = log_emissions(X, mu, var)
    with np.errstate(divide='ignore'):
        lA = np.log(A)
        lpi = np.log(pi)
    la = np.empty((T, K))
    la[0] = lpi + lb[0]
    for t in range(1, T):
        la[t] = lse(la[t - 1][:, None] + lA, axis=0) + lb[t]
    loglik = lse(la[-1], axis=0)
    lbeta = np.zeros((T, K))
    for t in range(T - 2, -1, -1):
        lbeta[t] = lse(lA + (lb[t + 1] + lbeta[t + 1])[None, :], axis=1)
    lg = la + lbeta
    gamma = np.exp(lg - lse(lg, axis=1, keepdims=True))
    lxi = la[:-1, :, None] + lA[None, :, :] + (lb[1:] + lbeta[1:])[:, None, :] - loglik
    xi = np.exp(lxi).sum(axis=0)
    filtered = np.exp(la - lse(la, axis=1, keepdims=True))
    return float(loglik), gamma, xi, filtered, lb


def mstep(X, gamma, xi, pi, A, mu, var, floor):
    pi = gamma[0].copy()
    A = A.copy()
    rows = xi.sum(axis=1)
    for i in range(A.shape[0]):
        if rows[i] > MASS_MIN:
            A[i] = xi[i] / rows[i]
    mu = mu.copy()
    var = var.copy()
    mass = gamma.sum(axis=0)
    for k in range(len(mass)):
        if mass[k] > MASS_MIN:
            mu[k] = (gamma[:, k:k + 1] * X).sum(axis=0) / mass[k]
            var[k] = np.maximum((gamma[:, k:k + 1] * (X - mu[k]) ** 2).sum(axis=0) / mass[k], floor)
    return pi, A, mu, var


def init(X, K, floor):
    T = X.shape[0]
    order = np.argsort(X[:, 0], kind='stable')
    rank = np.empty(T, dtype=int)
    rank[order] = np.arange(T)
    g = (rank * K) // T
    mu = np.array([X[g == k].mean(axis=0) for k in range(K)])
    var = np.array([np.maximum(X[g == k].var(axis=0), floor) for k in range(K)])
    pi = np.full(K, 1.0 / K)
    A = np.full((K, K), 0.1 / (K - 1))
    np.fill_diagonal(A, 0.9)
    return pi, A, mu, var


def viterbi(pi, A, lb):
    T, K = lb.shape
    with np.errstate(divide='ignore'):
        lA = np.log(A)
        delta = np.log(pi) + lb[0]
    back = np.zeros((T, K), dtype=int)
    for t in range(1, T):
        cand = delta[:, None] + lA  # [i, j]
        back[t] = np.argmax(cand, axis=0)  # first maximum = lowest index
        delta = cand[back[t], np.arange(K)] + lb[t]
    path = np.empty(T, dtype=int)
    path[-1] = int(np.argmax(delta))
    for t in range(T - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def fit(X, K):
    floor = 1e-6 * X.var(axis=0)
    pi, A, mu, var = init(X, K, floor)
    prev, n, trace = -np.inf, 0, []
    while True:
        L, gamma, xi, _, _ = estep(X, pi, A, mu, var)
        trace.append(L)
        if n > 0 and L - prev < TOL:
            break
        if n == MAX_ITER:
            break
        pi, A, mu, var = mstep(X, gamma, xi, pi, A, mu, var, floor)
        prev = L
        n += 1
    perm = np.argsort(mu[:, 0], kind='stable')
    pi, A, mu, var = pi[perm], A[np.ix_(perm, perm)], mu[perm], var[perm]
    L, gamma, _, filtered, lb = estep(X, pi, A, mu, var)
    return {
        'loglik': L, 'iterations': n, 'converged': n < MAX_ITER, 'trace': trace,
        'startprob': pi.tolist(), 'transmat': A.tolist(), 'means': mu.tolist(), 'variances': var.tolist(),
        'filtered': filtered.tolist(), 'smoothed': gamma.tolist(), 'viterbi': viterbi(pi, A, lb).tolist(),
    }


CASES = [
    # name, ticker, features, states
    ('SPY_k4', 'SPY', ['logret_1', 'vol_20'], 4),
    ('JPM_k3', 'JPM', ['logret_1', 'vol_20', 'zscore_20'], 3),
]


def main():
    for name, tk, feats, K in CASES:
        df = fr.clean_frame(os.path.join(fr.DATA, f'{tk}.csv'))
        F = fr.features(df, None, exact=True)
        M = F[feats].to_numpy()
        keep = np.isfinite(M).all(axis=1)
        X = M[keep]
        res = fit(X, K)
        res.update({'method': 'hmm', 'ticker': tk, 'features': feats, 'states': K, 'covariance': 'diagonal',
                    'dates': df['date'].dt.strftime('%Y-%m-%d')[keep].tolist()})
        path = os.path.join(fr.OUT, f'hmm_{name}.json.gz')
        with gzip.GzipFile(path, 'wb', mtime=0) as fh:
            fh.write(json.dumps(res).encode())
        print(f'{name}: T={X.shape[0]} iterations={res["iterations"]} loglik={res["loglik"]!r} '
              f'-> {os.path.relpath(path, fr.REPO)} ({os.path.getsize(path)} bytes)')


if __name__ == '__main__':
    sys.exit(main())
