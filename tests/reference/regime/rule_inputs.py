"""Reference values of the rule-based detector's window inputs (engine-research §3.5) on the
real SPY daily file, computed with pandas: NATR_14 (%), its rolling-252 80th percentile and
z-score (min_periods 60), and the high-volatility flag. Run with Debian's /usr/bin/python3:

    /usr/bin/python3 tests/reference/regime/rule_inputs.py
"""
import json
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
SRC = os.path.join(REPO, '..', 'shared', 'data', 'real', 'daily', 'csv', 'SPY.csv')
OUT = os.path.join(REPO, 'tests', 'fixtures', 'regime', 'rule_inputs_spy.json')

d = pd.read_csv(SRC)
h, l, c = d['high'], d['low'], d['close']
pc = c.shift(1)
tr = pd.concat([h - l, (h - pc).abs(), (l - pc).abs()], axis=1).max(axis=1)  # NaN terms skipped
natr = 100 * tr.rolling(14).mean() / c
q80 = natr.rolling(252, min_periods=60).quantile(0.8)
m = natr.rolling(252, min_periods=60).mean()
s = natr.rolling(252, min_periods=60).std()
z = (natr - m) / s

rows = list(range(0, len(d), 97)) + [len(d) - 1]


def clean(x):
    return None if pd.isna(x) else float(x)


json.dump(
    {
        'file': 'SPY.csv',
        'rows': rows,
        'natr': [clean(natr.iloc[i]) for i in rows],
        'q80': [clean(q80.iloc[i]) for i in rows],
        'z': [clean(z.iloc[i]) for i in rows],
        'high_vol_count': int((natr > q80).sum()),
        'q80_count': int(q80.notna().sum()),
    },
    open(OUT, 'w'),
    indent=0,
)
print('wrote', OUT)
