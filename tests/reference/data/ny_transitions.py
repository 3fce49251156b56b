#!/usr/bin/python3
"""America/New_York UTC-offset switches 1967-2040 from the system tz database (zoneinfo).

    /usr/bin/python3 tests/reference/data/ny_transitions.py > tests/fixtures/data/ny_transitions.json

Each entry: the UTC instant (ISO, Z) at which the offset changes and the offsets (minutes)
before and after. Found by scanning every hour, then each minute of the switching hour.
"""
import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

NY = ZoneInfo("America/New_York")


def offset(t):
    return int(t.astimezone(NY).utcoffset().total_seconds() // 60)


out = []
t = datetime(1967, 1, 1, tzinfo=timezone.utc)
end = datetime(2041, 1, 1, tzinfo=timezone.utc)
prev = offset(t)
while t < end:
    nxt = t + timedelta(hours=1)
    o = offset(nxt)
    if o != prev:
        m = t
        while offset(m) == prev:
            m += timedelta(minutes=1)
        out.append({"utc": m.strftime("%Y-%m-%dT%H:%M:%SZ"), "before": prev, "after": o})
        prev = o
    t = nxt
print(json.dumps(out, indent=0))
