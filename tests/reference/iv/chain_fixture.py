#!/usr/bin/python3
"""Small option-chain fixture for the IV Surface import tests (unit and e2e).

    /usr/bin/python3 tests/reference/iv/chain_fixture.py > tests/fixtures/iv-chain/sample_chain.csv

Quotes are Heston model prices computed independently of the engine (the P1/P2 adaptive
QUADPACK pricer of heston_reference.py), with a bid/ask spread around them, plus a few
deliberately bad rows that the import must list with their codes (never drop):
crossed market, price below the no-arbitrage bound, unreadable strike, expired option,
non-positive strike, no price at all. Header names use common variants (QuoteDate,
Expiration, Underlying as the price column, DividendYield).
"""

import datetime as dt
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import heston_reference as hr  # noqa: E402

SPOT, RATE, DIV = 100.0, 0.03, 0.01
PARAMS = (0.04, 2.0, 0.05, 0.4, -0.7)  # v0, kappa, theta, sigma, rho (Feller 0.2 > 0.16 holds)
QUOTE_DATE = dt.date(2024, 3, 15)
EXPIRIES = [dt.date(2024, 4, 19), dt.date(2024, 5, 17), dt.date(2024, 6, 21), dt.date(2024, 9, 20), dt.date(2024, 12, 20), dt.date(2025, 3, 21)]
STRIKES = [80, 85, 90, 95, 100, 105, 110, 115, 120]
SYMBOL = "XYZ"


def main():
    hr.S, hr.R, hr.Q = SPOT, RATE, DIV
    out = sys.stdout
    out.write("QuoteDate,Symbol,Expiration,Strike,Type,Bid,Ask,Last,Underlying,Rate,DividendYield\n")

    def row(exp, k, typ, bid, ask, last):
        out.write(f"{QUOTE_DATE.isoformat()},{SYMBOL},{exp},{k},{typ},{bid},{ask},{last},{SPOT},{RATE},{DIV}\n")

    for exp in EXPIRIES:
        t = (exp - QUOTE_DATE).days / 365.0
        for k in STRIKES:
            call = hr.heston_call_p1p2(float(k), t, PARAMS)
            put = call - SPOT * math.exp(-DIV * t) + k * math.exp(-RATE * t)
            for typ, mid in (("C", call), ("P", put)):
                half = max(0.005, 0.01 * mid)
                bid = max(mid - half, 0.0)
                row(exp.isoformat(), k, typ, f"{bid:.4f}", f"{mid + half:.4f}", f"{mid:.2f}")
    # Deliberately bad rows.
    row("2024-06-21", 102.5, "C", "3.10", "2.90", "3.00")  # crossed_market
    row("2024-04-19", 120, "P", "0.50", "0.60", "0.55")  # outside_no_arbitrage_bounds (intrinsic ≈ 19.7)
    row("2024-05-17", "abc", "C", "1.00", "1.10", "1.05")  # parse_error
    row("2024-03-01", 100, "C", "1.00", "1.10", "1.05")  # bad_input: expired
    row("2024-09-20", -5, "P", "0.10", "0.20", "0.15")  # bad_input: strike not positive
    row("2024-05-17", 107.5, "C", "", "", "")  # no_price


if __name__ == "__main__":
    main()
