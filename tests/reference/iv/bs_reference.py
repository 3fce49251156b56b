#!/usr/bin/python3
"""Independent references for the normal CDF, Black-Scholes-Merton and implied vol.

Run with Debian's interpreter (mpmath, numpy):
    /usr/bin/python3 tests/reference/iv/bs_reference.py

Writes (all computed with mpmath at 50 significant digits, then rounded to double):
  tests/fixtures/iv/normcdf_ref.csv  x, N(x)                 (tails included)
  tests/fixtures/iv/bs_ref.csv       type,S,K,T,r,q,sigma -> price,delta,gamma,vega,theta,rho
  tests/fixtures/iv/iv_ref.csv       type,S,K,T,r,q,price -> code, iv (contract D.3 rules)
theta is dV/dt per year (calendar time passing), rho per 1.00 of r, vega per 1.00 of sigma.
"""

import csv
import os

import mpmath as mp
import numpy as np

mp.mp.dps = 50
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "iv")


def bs(is_call, s, k, t, r, q, sig):
    s, k, t, r, q, sig = (mp.mpf(v) for v in (s, k, t, r, q, sig))
    dq, dr = mp.exp(-q * t), mp.exp(-r * t)
    if t <= 0 or sig <= 0:
        intrinsic = (s * dq - k * dr) if is_call else (k * dr - s * dq)
        return max(intrinsic, mp.mpf(0))
    sd = sig * mp.sqrt(t)
    d1 = (mp.log(s / k) + (r - q + sig**2 / 2) * t) / sd
    d2 = d1 - sd
    if is_call:
        return s * dq * mp.ncdf(d1) - k * dr * mp.ncdf(d2)
    return k * dr * mp.ncdf(-d2) - s * dq * mp.ncdf(-d1)


def greeks(is_call, s, k, t, r, q, sig):
    s, k, t, r, q, sig = (mp.mpf(v) for v in (s, k, t, r, q, sig))
    dq, dr = mp.exp(-q * t), mp.exp(-r * t)
    sd = sig * mp.sqrt(t)
    d1 = (mp.log(s / k) + (r - q + sig**2 / 2) * t) / sd
    d2 = d1 - sd
    pdf = mp.npdf(d1)
    gamma = dq * pdf / (s * sd)
    vega = s * dq * pdf * mp.sqrt(t)
    decay = -s * dq * pdf * sig / (2 * mp.sqrt(t))
    if is_call:
        price = s * dq * mp.ncdf(d1) - k * dr * mp.ncdf(d2)
        delta = dq * mp.ncdf(d1)
        theta = decay + q * s * dq * mp.ncdf(d1) - r * k * dr * mp.ncdf(d2)
        rho = k * t * dr * mp.ncdf(d2)
    else:
        price = k * dr * mp.ncdf(-d2) - s * dq * mp.ncdf(-d1)
        delta = -dq * mp.ncdf(-d1)
        theta = decay - q * s * dq * mp.ncdf(-d1) + r * k * dr * mp.ncdf(-d2)
        rho = -k * t * dr * mp.ncdf(-d2)
    return [price, delta, gamma, vega, theta, rho]


def implied(is_call, s, k, t, r, q, price):
    """Contract D.3 codes; iv by bisection at 50 digits (monotone price in sigma)."""
    if price != price or t <= 0 or s <= 0 or k <= 0:
        return "bad_input", ""
    sm, km, tm = mp.mpf(s), mp.mpf(k), mp.mpf(t)
    sd, kd = sm * mp.exp(-mp.mpf(q) * tm), km * mp.exp(-mp.mpf(r) * tm)
    p = mp.mpf(price)
    lower = max(sd - kd, 0) if is_call else max(kd - sd, 0)
    upper = sd if is_call else kd
    if p <= lower or p >= upper:
        return "outside_no_arbitrage_bounds", ""
    if p < bs(is_call, s, k, t, r, q, 1e-4):
        return "below_min_vol", ""
    if p > bs(is_call, s, k, t, r, q, 5):
        return "above_max_vol", ""
    lo, hi = mp.mpf("1e-4"), mp.mpf(5)
    for _ in range(200):
        mid = (lo + hi) / 2
        if bs(is_call, s, k, t, r, q, mid) < p:
            lo = mid
        else:
            hi = mid
    return "ok", repr(float((lo + hi) / 2))


def main():
    rng = np.random.default_rng(20261124)
    with open(os.path.join(OUT, "normcdf_ref.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["x", "cdf"])
        xs = list(np.linspace(-38, 9, 189)) + list(rng.uniform(-8, 8, 120)) + [0.0, 0.66291, -0.66291, 5.656854, -5.656854, 1e-10, -1e-10]
        for x in xs:
            w.writerow([repr(float(x)), repr(float(mp.ncdf(mp.mpf(float(x)))))])

    with open(os.path.join(OUT, "bs_ref.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["type", "S", "K", "T", "r", "q", "sigma", "price", "delta", "gamma", "vega", "theta", "rho"])
        for _ in range(300):
            is_call = rng.random() < 0.5
            s = float(rng.uniform(20, 500))
            k = float(s * np.exp(rng.uniform(-1.2, 1.2)))
            t = float(rng.uniform(1 / 365, 5))
            r = float(rng.uniform(-0.01, 0.08))
            q = float(rng.uniform(0, 0.05))
            sig = float(rng.uniform(0.02, 1.5))
            vals = greeks(is_call, s, k, t, r, q, sig)
            w.writerow(["call" if is_call else "put"] + [repr(v) for v in (s, k, t, r, q, sig)] + [repr(float(v)) for v in vals])

    with open(os.path.join(OUT, "iv_ref.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["type", "S", "K", "T", "r", "q", "price", "code", "iv"])
        rows = []
        for _ in range(160):
            is_call = rng.random() < 0.5
            s = 100.0
            k = float(100 * np.exp(rng.uniform(-1, 1)))
            t = float(rng.uniform(2 / 365, 4))
            r = float(rng.uniform(0, 0.06))
            q = float(rng.uniform(0, 0.04))
            sig = float(rng.uniform(0.03, 2.5))
            rows.append((is_call, s, k, t, r, q, float(bs(is_call, s, k, t, r, q, sig))))
        # Constructed edge cases for every code.
        rows += [
            (True, 100.0, 100.0, 0.5, 0.03, 0.01, float("nan")),  # bad_input: missing price
            (True, 100.0, 100.0, 0.0, 0.03, 0.01, 5.0),  # bad_input: T = 0
            (False, -1.0, 100.0, 0.5, 0.03, 0.01, 5.0),  # bad_input: S <= 0
            (True, 100.0, 0.0, 0.5, 0.03, 0.01, 5.0),  # bad_input: K <= 0
            (True, 100.0, 90.0, 1.0, 0.05, 0.0, 1.0),  # outside: below intrinsic
            (True, 100.0, 90.0, 1.0, 0.05, 0.0, 100.0),  # outside: at the upper bound
            (False, 100.0, 110.0, 1.0, 0.0, 0.0, 120.0),  # outside: above K e^{-rT}
            (True, 100.0, 100.0, 1.0, 0.0, 0.0, 1e-6),  # below_min_vol (ATM, BS(1e-4) ~ 4e-3)
            (False, 100.0, 100.0, 2.0, 0.0, 0.0, 5e-4),  # below_min_vol
            (True, 100.0, 100.0, 1.0, 0.0, 0.0, 99.5),  # above_max_vol (BS(5) ~ 98.8)
            (False, 100.0, 100.0, 1.0, 0.0, 0.0, 99.0),  # above_max_vol
            (True, 100.0, 100.0, 1.0, 0.0, 0.0, float(bs(True, 100, 100, 1, 0, 0, 4.99))),  # ok near the top
            (True, 100.0, 100.0, 1.0, 0.0, 0.0, float(bs(True, 100, 100, 1, 0, 0, 1.05e-4))),  # ok near the bottom
        ]
        for is_call, s, k, t, r, q, price in rows:
            code, iv = implied(is_call, s, k, t, r, q, price)
            w.writerow(["call" if is_call else "put", repr(s), repr(k), repr(t), repr(r), repr(q), "" if price != price else repr(price), code, iv])


if __name__ == "__main__":
    main()
