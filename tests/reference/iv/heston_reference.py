#!/usr/bin/python3
"""Independent Heston reference prices for tests/unit/iv (core contract D.5 grid).

Run with Debian's interpreter (it has scipy and mpmath):
    /usr/bin/python3 tests/reference/iv/heston_reference.py > tests/fixtures/iv/heston_ref.csv
    /usr/bin/python3 tests/reference/iv/heston_reference.py --short > tests/fixtures/iv/heston_ref_short.csv
The first is the contract grid; --short adds 7- and 14-day expiries near the money (harder
for a fixed quadrature rule, which decays slowest there).

Formulation deliberately different from the engine (which uses the Lewis single-integral
form with a Black-Scholes control variate and fixed Gauss-Laguerre nodes):
  * primary: Heston's original two-probability form P1, P2 (Gil-Pelaez inversion of the
    characteristic function of ln S_T), integrated with scipy's adaptive QUADPACK over
    short sub-intervals up to a cut-off where the integrand is below 1e-17;
  * check: the Lewis form evaluated with mpmath at 30 significant digits (adaptive
    tanh-sinh), used only to confirm the primary value; the script fails if they differ
    by more than 1e-10 * max(|price|, 1e-4 * S).
Both use the "little Heston trap" characteristic function (Albrecher et al. 2007), which is
continuous in u, so no branch-cut tracking is needed.
"""

import math
import sys

import mpmath
import numpy as np
from scipy import integrate

SETS = {
    "A": (0.04, 1.5, 0.04, 0.5, -0.7),
    "B": (0.09, 3.0, 0.05, 0.9, -0.9),
    "C": (0.01, 0.5, 0.09, 0.3, 0.3),
}
S, R, Q = 100.0, 0.03, 0.01
STRIKES = [60, 80, 90, 100, 110, 125, 150]
DAYS = [30, 91, 365, 1095]


def cf_log_spot(u, s, r, q, t, v0, kappa, theta, sigma, rho):
    """E[exp(i u ln S_T)] for complex u (numpy complex scalars)."""
    iu = 1j * u
    xi = kappa - sigma * rho * iu
    d = np.sqrt(xi * xi + sigma * sigma * (iu + u * u))
    g = (xi - d) / (xi + d)
    e = np.exp(-d * t)
    c = (kappa * theta / sigma**2) * ((xi - d) * t - 2.0 * np.log((1.0 - g * e) / (1.0 - g)))
    dd = ((xi - d) / sigma**2) * (1.0 - e) / (1.0 - g * e)
    return np.exp(iu * (math.log(s) + (r - q) * t) + c + dd * v0)


def cutoff(fun):
    """Smallest u on a doubling ladder beyond which |fun| stays below 1e-17."""
    u = 50.0
    while u < 1e6:
        if all(abs(fun(u * f)) < 1e-17 for f in (1.0, 1.25, 1.5, 1.75, 2.0)):
            return u
        u *= 1.5
    raise RuntimeError("integrand does not decay")


def integrate_pieces(fun, upper):
    total = 0.0
    a = 0.0
    step = 2.0
    while a < upper:
        b = min(upper, a + step)
        val, err = integrate.quad(fun, a, b, epsabs=1e-15, epsrel=1e-13, limit=400)
        if err > 1e-13:
            raise RuntimeError(f"quad error {err} on [{a}, {b}]")
        total += val
        a = b
        step = min(step * 1.25, 20.0)
    return total


def heston_call_p1p2(k, t, params):
    v0, kappa, theta, sigma, rho = params
    lnk = math.log(k)
    fwd = S * math.exp((R - Q) * t)

    def f2(u):
        return cf_log_spot(u, S, R, Q, t, v0, kappa, theta, sigma, rho)

    def f1(u):
        return cf_log_spot(u - 1j, S, R, Q, t, v0, kappa, theta, sigma, rho) / fwd

    def integrand(fj):
        return lambda u: (np.exp(-1j * u * lnk) * fj(u) / (1j * u)).real

    i1 = integrand(f1)
    i2 = integrand(f2)
    p1 = 0.5 + integrate_pieces(i1, cutoff(i1)) / math.pi
    p2 = 0.5 + integrate_pieces(i2, cutoff(i2)) / math.pi
    return S * math.exp(-Q * t) * p1 - k * math.exp(-R * t) * p2


def heston_call_lewis_mp(k, t, params):
    mpmath.mp.dps = 30
    v0, kappa, theta, sigma, rho = (mpmath.mpf(x) for x in params)
    s, r, q, kk, tt = mpmath.mpf(S), mpmath.mpf(R), mpmath.mpf(Q), mpmath.mpf(k), mpmath.mpf(t)
    fwd = s * mpmath.exp((r - q) * tt)
    x = mpmath.log(fwd / kk)

    def phi(z):  # characteristic function of ln(S_T / F)
        iz = 1j * z
        xi = kappa - sigma * rho * iz
        d = mpmath.sqrt(xi * xi + sigma**2 * (iz + z * z))
        g = (xi - d) / (xi + d)
        e = mpmath.exp(-d * tt)
        c = (kappa * theta / sigma**2) * ((xi - d) * tt - 2 * mpmath.log((1 - g * e) / (1 - g)))
        dd = ((xi - d) / sigma**2) * (1 - e) / (1 - g * e)
        return mpmath.exp(c + dd * v0)

    def f(u):
        return mpmath.re(mpmath.exp(1j * u * x) * phi(u - 0.5j)) / (u * u + mpmath.mpf(1) / 4)

    pts = [0, 1, 2, 5, 10, 20, 40, 80, 160, 320, 640, 1280, mpmath.inf]
    integral = mpmath.quad(f, pts)
    call = mpmath.exp(-r * tt) * (fwd - mpmath.sqrt(fwd * kk) / mpmath.pi * integral)
    return float(call)


def main():
    short = "--short" in sys.argv[1:]
    days_list = [7, 14] if short else DAYS
    strikes = [90, 100, 110] if short else STRIKES
    out = sys.stdout
    out.write("set,type,S,K,days,r,q,v0,kappa,theta,sigma,rho,T,price\n")
    worst = 0.0
    for name, params in SETS.items():
        for days in days_list:
            t = days / 365.0
            for k in strikes:
                call = heston_call_p1p2(float(k), t, params)
                check = heston_call_lewis_mp(float(k), t, params)
                scale = max(abs(call), 1e-4 * S)
                worst = max(worst, abs(call - check) / scale)
                if abs(call - check) > 1e-10 * scale:
                    raise RuntimeError(f"reference disagreement set {name} K {k} days {days}: {call} vs {check}")
                put = call - S * math.exp(-Q * t) + k * math.exp(-R * t)
                for typ, price in (("call", call), ("put", put)):
                    cols = [name, typ, repr(S), str(k), str(days), repr(R), repr(Q)]
                    cols += [repr(p) for p in params]
                    cols += [repr(t), repr(max(price, 0.0))]
                    out.write(",".join(cols) + "\n")
    sys.stderr.write(f"max |P1P2 - Lewis(mp)| / max(|ref|, 1e-4 S) = {worst:.3e}\n")


if __name__ == "__main__":
    main()
