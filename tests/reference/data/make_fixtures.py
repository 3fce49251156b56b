#!/usr/bin/python3
"""Writes the crafted messy CSV inputs under tests/fixtures/data/ (deterministic, seeded).

    /usr/bin/python3 tests/reference/data/make_fixtures.py tests/fixtures/data

Each file exercises many contract-A cases at once; the expected reports come from
quality_ref.py, never from the engine. To regenerate everything the tests read:

    /usr/bin/python3 tests/reference/data/make_fixtures.py tests/fixtures/data
    /usr/bin/python3 tests/reference/data/quality_ref.py tests/fixtures/data/reference --rows tests/fixtures/data/*.csv
    /usr/bin/python3 tests/reference/data/quality_ref.py tests/fixtures/data/reference/real \
        ../shared/data/real/daily/csv/*.csv ../shared/data/real/daily/SPY_crsp_84398.csv \
        ../shared/data/real/intraday/bars_1hour_SPY_AAPL_JPM.csv
    /usr/bin/python3 tests/reference/data/ny_transitions.py > tests/fixtures/data/ny_transitions.json
"""
import os
import random
import sys
from datetime import date, datetime, timedelta


def bdays(start, n):
    d = start
    out = []
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def fmt(x, nd=2):
    return f"{x:.{nd}f}"


def messy_daily(path):
    rng = random.Random(11)
    rows = []  # (ticker_text, date_text, o, h, l, c, adj, v, note)
    for tk, start_px, split_at in (("aapl", 150.0, 120), (" Msft ", 250.0, None), ("brk.b", 300.0, None)):
        px = start_px
        days = bdays(date(2019, 1, 2), 240)
        for i, d in enumerate(days):
            if tk == " Msft " and 60 <= i < 66:
                continue  # a gap run of 6 weekdays
            if i % 37 == 5:
                continue  # scattered holidays
            px *= 1 + rng.gauss(0, 0.015)
            if split_at is not None and i == split_at:
                px /= 2  # unadjusted 2:1 split
            o = px * (1 + rng.gauss(0, 0.004))
            c = px
            h = max(o, c) * (1 + abs(rng.gauss(0, 0.004)))
            l = min(o, c) * (1 - abs(rng.gauss(0, 0.004)))
            adj_factor = 0.98 if d < date(2019, 6, 1) else 1.0
            v = str(rng.randint(1_000_000, 9_000_000))
            o_t, h_t, l_t, c_t = fmt(o), fmt(h), fmt(l), fmt(c)
            adj_t = fmt(float(c_t) * adj_factor, 4)
            d_t = d.isoformat()
            if tk == "brk.b" and 100 <= i < 107:
                c_t = o_t = h_t = l_t = "333.33"  # stale run of flat bars
                adj_t = "333.33"
            rows.append([tk, d_t, o_t, h_t, l_t, c_t, adj_t, v, ""])
    # timestamp spellings that still mean a date (file stays daily)
    rows[3][1] = rows[3][1] + " 00:00:00"
    rows[4][1] = rows[4][1] + "T00:00:00Z"
    rows[5][1] = rows[5][1] + "T00:00:00-05:00"
    rows[6][1] = rows[6][1] + "T00:00"
    # bad timestamps
    for k, bad in zip((20, 250, 251, 480, 481, 600), ("2019-02-30", "20190301", "2019-03-01T25:00", "", "not a date", "2019-13-01")):
        rows[k][1] = bad
    # missing / unparseable numbers
    rows[30][2] = ""
    rows[31][3] = "NaN"
    rows[32][4] = "inf"
    rows[33][5] = '"1,5"'
    rows[34][7] = "abc"
    rows[35][6] = ""  # adj missing -> all prices missing
    rows[300][7] = ""
    # numbers in other spellings
    rows[40][2] = " " + rows[40][2] + " "
    rows[41][7] = "2.5e6"
    rows[42][7] = "+3000000"
    rows[43][7] = "3000000."
    # OHLC violations, non-positive prices, volumes
    rows[50][3] = fmt(float(rows[50][5]) * 0.99)  # high below close
    rows[51][4] = fmt(float(rows[51][5]) * 1.01)  # low above close
    rows[52][3], rows[52][4] = rows[52][4], rows[52][3]  # high below low
    rows[60][5] = "0"
    rows[60][6] = "0"
    rows[61][4] = "-1.5"
    rows[62][7] = "-100"
    for k in range(70, 76):
        rows[k][7] = "0"
    rows[77][7] = "0.0"
    # a weekend date
    rows[90][1] = "2019-05-11"
    # quoted note with an escaped quote and an embedded newline (ignored column)
    rows[100][8] = '"he said ""split"",\nthen left"'
    rows[101][8] = '"plain"'
    # duplicates: a correction later in the file, and an exact repeat
    dup1 = list(rows[110])
    dup1[5] = fmt(float(dup1[5]) * 1.001)
    rows.append(dup1)
    rows.append(list(rows[400]))
    # unsorted: move a block of rows to the end
    block = rows[200:215]
    del rows[200:215]
    rows.extend(block)
    # mixed case / padded tickers that normalise to the same
    rows[120][0] = "AAPL"
    rows[121][0] = " aapl"
    with open(path, "w", newline="") as fh:
        fh.write("\ufeff")
        fh.write('"Symbol","Date","Open","High","Low","Close","Adj Close","Volume","Note"\r\n')
        for r in rows:
            fh.write(",".join(r) + "\r\n")
        fh.write("\r\n")  # trailing blank line


def msft_split(path):
    rng = random.Random(7)
    px = 100.0
    lines = ["timestamp,o,h,l,c,v"]
    for i, d in enumerate(bdays(date(2015, 3, 2), 160)):
        if 40 <= i < 44:
            continue  # gap run of 4 weekdays
        px *= 1 + rng.gauss(0, 0.01)
        if i == 80:
            px /= 3  # 3:1 split
        o = px * (1 + rng.gauss(0, 0.003))
        h = max(o, px) * 1.002
        l = min(o, px) * 0.998
        c = px
        if 120 <= i < 124:
            c = 50.0  # a run of 4 equal closes: below the stale threshold
            o, h, l = 50.0, 50.5, 49.5
        lines.append(f"{d.isoformat()},{fmt(o)},{fmt(h)},{fmt(l)},{fmt(c)},{rng.randint(10_000, 90_000)}")
    with open(path, "w") as fh:
        fh.write("\n".join(lines))  # no final newline


def messy_intraday(path):
    rng = random.Random(5)
    rows = []
    spans = [
        (date(2021, 3, 8), date(2021, 3, 19)),   # 2007+ rule, spring forward on Mar 14
        (date(2021, 11, 1), date(2021, 11, 12)),  # fall back on Nov 7
        (date(2006, 3, 29), date(2006, 4, 7)),   # 1987-2006 rule: Apr 2
        (date(2006, 10, 25), date(2006, 11, 3)),  # Oct 29
    ]
    fmts = ["ny_space", "ny_T", "z", "colon", "nocolon"]
    for tk, px0 in (("SPY", 400.0), ("qqq", 330.0)):
        px = px0
        for a, b in spans:
            d = a
            while d <= b:
                if d.weekday() < 5:
                    slots = [(9, 30)] + [(hh, 0) for hh in range(10, 16)]
                    if d.day % 5 == 0 and tk == "SPY":
                        slots = slots[:4]  # half day
                    if d.day % 7 == 0:
                        slots = [(8, 0)] + slots + [(16, 30)]  # extended hours
                    for hh, mm in slots:
                        px *= 1 + rng.gauss(0, 0.002)
                        o = px * (1 + rng.gauss(0, 0.001))
                        h = max(o, px) * 1.001
                        l = min(o, px) * 0.999
                        rows.append([tk, (d, hh, mm), fmt(o), fmt(h), fmt(l), fmt(px), str(rng.randint(1000, 99999))])
                d += timedelta(days=1)
    # render timestamps in many spellings
    from zoneinfo import ZoneInfo
    ny = ZoneInfo("America/New_York")
    out = []
    for i, r in enumerate(rows):
        d, hh, mm = r[1]
        local = datetime(d.year, d.month, d.day, hh, mm, tzinfo=ny)
        off = local.utcoffset()
        kind = fmts[i % len(fmts)]
        if kind == "ny_space":
            t = local.strftime("%Y-%m-%d %H:%M")
        elif kind == "ny_T":
            t = local.strftime("%Y-%m-%dT%H:%M:%S")
        elif kind == "z":
            t = (local - off).replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            sign = "-" if off.total_seconds() < 0 else "+"
            mins = abs(int(off.total_seconds())) // 60
            sep = ":" if kind == "colon" else ""
            t = local.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{mins // 60:02d}{sep}{mins % 60:02d}"
        out.append([r[0], t] + r[2:])
    # the same instant written twice in different spellings (a duplicate, later one wins)
    out.append(["SPY", "2021-03-10T15:00:00Z", "1", "2", "0.5", "1.5", "100"])
    # local times on switch nights: non-existent (spring) and repeated (fall) hour; Sundays
    out.append(["SPY", "2021-03-14 02:30", "400", "401", "399", "400.5", "10"])
    out.append(["SPY", "2021-11-07 01:30", "400", "401", "399", "400.5", "10"])
    out.append(["SPY", "2021-11-07T01:30:00-05:00", "400", "401", "399", "400.25", "10"])
    # fractional seconds, offsets east of UTC
    out.append(["QQQ", "2021-03-16T15:45:00.250+01:00", "330", "331", "329", "330.5", "10"])
    out.append(["QQQ", "2021-03-16T10:15:30.5", "330", "331", "329", "330.5", "10"])
    # bad timestamps and values
    out.append(["QQQ", "2021-03-16T10:15:61", "330", "331", "329", "330.5", "10"])
    out.append(["QQQ", "2021-03-16T10:15+05", "330", "331", "329", "330.5", "10"])
    out.append(["QQQ", "2021-03-16 10:15 Z", "330", "331", "329", "330.5", "10"])
    out[10][3] = ""
    out[11][4] = "330"  # low above close or fine depending on price
    out[12][6] = "0"
    # unsorted block
    block = out[300:320]
    del out[300:320]
    out.extend(block)
    with open(path, "w") as fh:
        fh.write("Symbol,Datetime,Open,High,Low,Close,Volume\n")
        for r in out:
            fh.write(",".join(r) + "\n")


def write(path, text):
    with open(path, "w", newline="") as fh:
        fh.write(text)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    messy_daily(os.path.join(out_dir, "messy_daily.csv"))
    msft_split(os.path.join(out_dir, "MSFT_split.csv"))
    messy_intraday(os.path.join(out_dir, "messy_intraday.csv"))
    # header variants: normalised names and aliases; unknown columns ignored
    write(os.path.join(out_dir, "variants_daily.csv"),
          " TS , Ticker ,O,H,L,C,AdjClose,Vol, Extra-Col\n"
          "2020-01-02,xyz,10,11,9,10.5,5.25,100,a\n"
          "2020-01-03,xyz,10.5,10.5,10.5,10.5,5.25,0,b\n"
          "2020-01-06,xyz,10,12,9.5,11,5.5,200,c\n"
          "2020-01-07,xyz,11,11,11,11,,300,d\n"
          "2020-01-08,xyz,11,13,10,12,6,,e\n")
    # close-only, ticker from file name: every row lacks open/high/low/volume -> C empty
    write(os.path.join(out_dir, "QQQ_close_only.csv"), "Date,Close\n2020-01-02,100\n2020-01-03,101\n")
    # rejections
    write(os.path.join(out_dir, "semicolon.csv"), "date;open;high;low;close;volume\n2020-01-02;1;2;0,5;1,5;100\n")
    write(os.path.join(out_dir, "tabbed.csv"), "date\topen\thigh\tlow\tclose\tvolume\n2020-01-02\t1\t2\t0.5\t1.5\t100\n")
    write(os.path.join(out_dir, "ragged.csv"), "ticker,date,close,volume\nA,2020-01-02,1,100\nA,2020-01-03,2\n")
    write(os.path.join(out_dir, "no_close.csv"), "ticker,date,open,volume\nA,2020-01-02,1,100\n")
    write(os.path.join(out_dir, "unterminated.csv"), 'ticker,date,close\nA,2020-01-02,"1\nA,2020-01-03,2\n')
    write(os.path.join(out_dir, "header_only.csv"), "ticker,date,close\n")


if __name__ == "__main__":
    main(sys.argv[1])
