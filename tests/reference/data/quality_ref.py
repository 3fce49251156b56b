#!/usr/bin/python3
"""Independent reference for contract A (import, normalisation, quality report).

Written from the contract text with pandas and the system time-zone database (zoneinfo),
sharing no code with the TypeScript engine. Run with Debian's Python (pandas installed):

    /usr/bin/python3 tests/reference/data/quality_ref.py OUT_DIR FILE...

For each FILE it writes OUT_DIR/<file name>.json:
    {"document": {file, timeframe, adj_close_used, bad_timestamps, reports},
     "clean": {TICKER: {"rows": n, "sha256": hex}},         # C as float64 LE: ts_ms,o,h,l,c,v
     "clean_rows": {TICKER: [[ts_ms, o, h, l, c, v], ...]}}   # only with --rows
or {"error": code} when the file must be rejected.

Choices the contract leaves open are made the same way as the engine documents them:
aliases are taken in alias-list order; missing_values count after adjusted-close rescaling;
intraday extras and calendar checks use C; ambiguous/non-existent New York local times use
fold=0; a ratio with a zero denominator is null.
"""
import csv
import hashlib
import io
import json
import math
import os
import re
import sys
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

NY = ZoneInfo("America/New_York")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

ALIASES = [
    ("timestamp", ["ts_utc", "timestamp", "datetime", "date", "time", "ts", "ts_new_york"]),
    ("ticker", ["ticker", "symbol"]),
    ("open", ["open", "o"]),
    ("high", ["high", "h"]),
    ("low", ["low", "l"]),
    ("close", ["close", "c"]),
    ("adj", ["adj_close", "adjclose", "adjusted_close"]),
    ("volume", ["volume", "vol", "v"]),
]
NUM_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
TS_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$"
)
TICKER_RE = re.compile(r"^[A-Z0-9._^=:&/-]{1,20}$")
PRICES = ["open", "high", "low", "close"]
COLS = PRICES + ["volume"]


class Reject(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def norm_name(s):
    return re.sub(r"[ -]+", "_", s.strip().lower())


def to_num(s):
    t = s.strip(" \t")
    if not NUM_RE.match(t):
        return math.nan
    v = float(t)
    return v if math.isfinite(v) else math.nan


def parse_ts(s):
    """-> (naive wall datetime, offset minutes or None, time-of-day nonzero) or None."""
    m = TS_RE.match(s.strip(" \t"))
    if not m:
        return None
    y, mo, d, hh, mi, ss, frac, off = m.groups()
    try:
        base = date(int(y), int(mo), int(d))
    except ValueError:
        return None
    if int(y) < 1:
        return None
    h = int(hh) if hh else 0
    mn = int(mi) if mi else 0
    sec = int(ss) if ss else 0
    ms = int((frac + "00")[:3]) if frac else 0
    if h > 23 or mn > 59 or sec > 59:
        return None
    wall = datetime(base.year, base.month, base.day, h, mn, sec, ms * 1000)
    offset = None
    if off:
        if off == "Z":
            offset = 0
        else:
            oh = int(off[1:3])
            om = int(off[-2:])
            if oh > 23 or om > 59:
                return None
            offset = (1 if off[0] == "+" else -1) * (oh * 60 + om)
    nonzero = (h, mn, sec, ms) != (0, 0, 0, 0)
    return wall, offset, nonzero


def epoch_ms(dt_aware):
    return (dt_aware - EPOCH) // timedelta(milliseconds=1)


def check_text(text, fname):
    """Header-level and record-level rejections (delimiter, ragged rows, unterminated quote)."""
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    rows = [r for r in rows if r != []]
    if not rows:
        raise Reject("empty_file")
    header_line = text.splitlines()[0] if text else ""
    for line in text.splitlines():
        if line.strip() != "":
            header_line = line
            break
    counts = {"comma": 0, "semicolon": 0, "tab": 0, "pipe": 0}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch == ",":
            counts["comma"] += 1
        elif ch == ";":
            counts["semicolon"] += 1
        elif ch == "\t":
            counts["tab"] += 1
        elif ch == "|":
            counts["pipe"] += 1
    if max(counts["semicolon"], counts["tab"], counts["pipe"]) > counts["comma"]:
        raise Reject("wrong_delimiter")
    width = len(rows[0])
    for r in rows[1:]:
        if len(r) == 1 and r[0] == "" and width != 1:
            continue
        if len(r) != width:
            raise Reject("ragged_row")
    if len(rows) == 1:
        raise Reject("no_rows")


def load(path):
    fname = os.path.basename(path)
    text = open(path, "rb").read().decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        check_text(text, fname)
    except csv.Error:
        raise Reject("unterminated_quote")
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                     skip_blank_lines=True)
    names = [norm_name(c) for c in df.columns]
    col = {}
    for field, aliases in ALIASES:
        col[field] = None
        for a in aliases:
            if a in names:
                col[field] = names.index(a)
                break
    if col["timestamp"] is None or col["close"] is None:
        raise Reject("missing_column")
    cells = df.to_numpy(dtype=object)
    n = len(cells)
    if col["ticker"] is None:
        stem = re.split(r"[_.]", fname, maxsplit=1)[0].strip().upper()
        if not (TICKER_RE.match(stem) and re.search(r"[A-Z0-9]", stem)):
            raise Reject("bad_ticker")
        tickers = [stem] * n
    else:
        tickers = []
        for i in range(n):
            t = cells[i][col["ticker"]].strip().upper()
            if not (TICKER_RE.match(t) and re.search(r"[A-Z0-9]", t)):
                raise Reject("bad_ticker")
            tickers.append(t)

    def numcol(field):
        if col[field] is None:
            return np.full(n, np.nan)
        return np.array([to_num(cells[i][col[field]]) for i in range(n)], dtype=np.float64)

    o, h, l, c, v = (numcol(f) for f in COLS)
    adj_used = col["adj"] is not None
    if adj_used:
        a = numcol("adj")
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            f = np.where(c == 0, np.nan, a / c)
            f = np.where(np.isfinite(f), f, np.nan)
            o, h, l, c = [np.where(np.isfinite(x * f), x * f, np.nan) for x in (o, h, l, c)]

    parsed = [parse_ts(cells[i][col["timestamp"]]) for i in range(n)]
    intraday = any(p is not None and p[2] for p in parsed)
    ts = []
    for p in parsed:
        if p is None:
            ts.append(None)
        elif not intraday:
            d = p[0]
            ts.append(epoch_ms(datetime(d.year, d.month, d.day, tzinfo=timezone.utc)))
        elif p[1] is None:
            ts.append(epoch_ms(p[0].replace(tzinfo=NY, fold=0)))
        else:
            ts.append(epoch_ms(p[0].replace(tzinfo=timezone(timedelta(minutes=p[1])))))

    frame = pd.DataFrame({
        "ticker": tickers, "ts": pd.array(ts, dtype="Int64"),
        "open": o, "high": h, "low": l, "close": c, "volume": v,
    })
    return fname, ("intraday" if intraday else "daily"), adj_used, frame


def fmt_ts(ms, kind):
    t = pd.Timestamp(int(ms), unit="ms", tz="UTC")
    return t.strftime("%Y-%m-%d") if kind == "daily" else t.strftime("%Y-%m-%dT%H:%M:%SZ")


def fnum(x):
    x = float(x)
    return None if math.isnan(x) else x


def report(ticker, frame, kind):
    bad = int(frame["ts"].isna().sum())
    R = frame[frame["ts"].notna()].copy()
    R["ts"] = R["ts"].astype("int64")
    R = R.reset_index(drop=True)
    n = len(R)
    S = R.sort_values("ts", kind="stable").drop_duplicates("ts", keep="last")
    keep = S[COLS].notna().all(axis=1) & (S[PRICES] > 0).all(axis=1) & (S["volume"] >= 0)
    C = S[keep].reset_index(drop=True)

    full = S[PRICES].notna().all(axis=1)
    hbm = full & (S["high"] < np.maximum(S["open"], S["close"]))
    lam = full & (S["low"] > np.minimum(S["open"], S["close"]))
    hbl = full & (S["high"] < S["low"])
    flat = full & (S["open"] == S["high"]) & (S["high"] == S["low"]) & (S["low"] == S["close"])

    if kind == "daily":
        days = pd.to_datetime(C["ts"], unit="ms").dt.normalize()
    else:
        local = pd.to_datetime(C["ts"], unit="ms", utc=True).dt.tz_convert("America/New_York")
        days = local.dt.tz_localize(None).dt.normalize()
    present = set(days)
    if len(C):
        bdays = pd.bdate_range(days.iloc[0], days.iloc[-1])
        expected = len(bdays)
        missing_list = [d for d in bdays if d not in present]
        gap_runs = []
        run = []
        for d in bdays:
            if d in present:
                if len(run) >= 3:
                    gap_runs.append(run)
                run = []
            else:
                run.append(d)
        if len(run) >= 3:
            gap_runs.append(run)
        gap_runs = [{"start": r[0].strftime("%Y-%m-%d"), "end": r[-1].strftime("%Y-%m-%d"),
                     "weekdays": len(r)} for r in gap_runs]
    else:
        expected, missing_list, gap_runs = 0, [], []
    weekend = len({d for d in present if d.dayofweek >= 5})

    ret = C["close"] / C["close"].shift(1) - 1
    splits = [{"ts": fmt_ts(C["ts"].iloc[i], kind), "ret": float(ret.iloc[i]),
               "ratio": float(C["close"].iloc[i - 1] / C["close"].iloc[i])}
              for i in range(1, len(C)) if abs(ret.iloc[i]) > 0.4]
    grp = (C["close"] != C["close"].shift()).cumsum()
    stale = []
    for _, g in C.groupby(grp, sort=False):
        if len(g) >= 5:
            stale.append({"start": fmt_ts(g["ts"].iloc[0], kind), "end": fmt_ts(g["ts"].iloc[-1], kind),
                          "bars": len(g)})

    rep = {
        "ticker": ticker,
        "status": None,
        "rows": n,
        "bad_timestamps": bad,
        "duplicate_timestamps": int(R["ts"].duplicated(keep="first").sum()),
        "non_monotonic_steps": int((R["ts"].diff() < 0).sum()),
        "missing_values": {c: int(R[c].isna().sum()) for c in COLS},
        "ohlc_violations": {
            "high_below_max_open_close": int(hbm.sum()),
            "low_above_min_open_close": int(lam.sum()),
            "high_below_low": int(hbl.sum()),
            "rows": int((hbm | lam | hbl).sum()),
        },
        "nonpositive_price_rows": int((S[PRICES] <= 0).any(axis=1).sum()),
        "negative_volume_rows": int((S["volume"] < 0).sum()),
        "zero_volume_rows": int((S["volume"] == 0).sum()),
        "flat_bars": int(flat.sum()),
        "rows_clean": len(C),
        "first": fmt_ts(C["ts"].iloc[0], kind) if len(C) else None,
        "last": fmt_ts(C["ts"].iloc[-1], kind) if len(C) else None,
        "expected_weekdays": expected,
        "missing_weekdays": len(missing_list),
        "missing_weekday_fraction": len(missing_list) / expected if expected else None,
        "weekend_dates": weekend,
        "gap_runs": gap_runs,
        "suspected_splits": splits,
        "stale_runs": stale,
    }
    if kind == "intraday":
        local = pd.to_datetime(C["ts"], unit="ms", utc=True).dt.tz_convert("America/New_York")
        minutes = local.dt.hour * 60 + local.dt.minute
        per = days.value_counts()
        med = float(per.median()) if len(per) else math.nan
        rep["outside_rth_bars"] = int(((minutes < 570) | (minutes >= 960)).sum())
        rep["sessions"] = int(len(per))
        rep["bars_per_session_median"] = fnum(med)
        rep["short_sessions"] = int((per < med).sum())

    issues = []

    def add(check, value, warn, fail):
        if fail:
            issues.append({"check": check, "level": "fail", "value": value})
        elif warn:
            issues.append({"check": check, "level": "warn", "value": value})

    q = rep
    add("empty", q["rows_clean"], False, q["rows_clean"] == 0)
    add("bad_timestamps", q["bad_timestamps"], q["bad_timestamps"] > 0, False)
    add("duplicate_timestamps", q["duplicate_timestamps"], q["duplicate_timestamps"] > 0, False)
    add("non_monotonic_steps", q["non_monotonic_steps"], q["non_monotonic_steps"] > 0, False)
    mv = max(q["missing_values"].values())
    add("missing_values", mv, mv > 0, mv > 0.05 * n)
    ov = q["ohlc_violations"]["rows"]
    add("ohlc_violations", ov, ov > 0, ov > 0.01 * n)
    x = q["nonpositive_price_rows"]
    add("nonpositive_prices", x, x > 0, x > 0.01 * n)
    x = q["negative_volume_rows"]
    add("negative_volume", x, x > 0, x > 0.01 * n)
    x = q["zero_volume_rows"]
    add("zero_volume", x, x > 0.01 * n, x > 0.25 * n)
    add("flat_bars", q["flat_bars"], q["flat_bars"] > 0.05 * n, False)
    frac = q["missing_weekday_fraction"]
    add("missing_weekdays", q["missing_weekdays"], frac is not None and frac > 0.05,
        frac is not None and frac > 0.20)
    add("gap_runs", len(q["gap_runs"]), len(q["gap_runs"]) > 0, False)
    add("weekend_dates", q["weekend_dates"], q["weekend_dates"] > 0, False)
    add("suspected_splits", len(q["suspected_splits"]), len(q["suspected_splits"]) > 0, False)
    add("stale_runs", len(q["stale_runs"]), len(q["stale_runs"]) > 0, False)
    if kind == "intraday":
        add("outside_rth_bars", q["outside_rth_bars"], q["outside_rth_bars"] > 0, False)
    rep["status"] = "fail" if any(i["level"] == "fail" for i in issues) else ("warn" if issues else "pass")
    rep["issues"] = issues
    return rep, C


def clean_digest(C):
    h = hashlib.sha256()
    h.update(C["ts"].to_numpy(dtype="<f8").tobytes())
    for c in COLS:
        h.update(C[c].to_numpy(dtype="<f8").tobytes())
    return h.hexdigest()


def run(path, with_rows):
    try:
        fname, kind, adj_used, frame = load(path)
    except Reject as e:
        return {"error": e.code}
    reports, clean, rows = [], {}, {}
    for t in sorted(frame["ticker"].unique()):
        rep, C = report(t, frame[frame["ticker"] == t], kind)
        reports.append(rep)
        clean[t] = {"rows": len(C), "sha256": clean_digest(C)}
        if with_rows:
            rows[t] = [[int(C["ts"].iloc[i])] + [fnum(C[c].iloc[i]) for c in COLS] for i in range(len(C))]
    out = {"document": {"file": fname, "timeframe": kind, "adj_close_used": adj_used,
                        "bad_timestamps": int(frame["ts"].isna().sum()), "reports": reports},
           "clean": clean}
    if with_rows:
        out["clean_rows"] = rows
    return out


def main(argv):
    with_rows = "--rows" in argv
    args = [a for a in argv if a != "--rows"]
    out_dir, files = args[0], args[1:]
    os.makedirs(out_dir, exist_ok=True)
    for p in files:
        res = run(p, with_rows)
        with open(os.path.join(out_dir, os.path.basename(p) + ".json"), "w") as fh:
            json.dump(res, fh, indent=1, allow_nan=False)
            fh.write("\n")
        print(os.path.basename(p), res.get("error") or [r["status"] for r in res["document"]["reports"]])


if __name__ == "__main__":
    main(sys.argv[1:])
