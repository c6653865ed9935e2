#!/usr/bin/python3
"""Checks of postproc/report.py's time conventions on made-up series (issue 14, item 3): Beijing
time, whole Beijing days, daily means against GB 3095-2012 grade II and heavy-day attribution.
Prints TAP."""
import datetime
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "postproc"))
import report  # noqa: E402

n = 0
failed = 0


def ok(cond, what):
    global n, failed
    n += 1
    print(("ok" if cond else "not ok") + f" {n} - {what}")
    failed += not cond


# Hourly means ending 2024-01-12T14:00Z ...: the first three (ending 22:00 to 24:00 Beijing time)
# lie on 12 January, the next 48 cover 13 and 14 January (16:00Z to 16:00Z), then 5 of 15 January.
t0 = datetime.datetime(2024, 1, 12, 13, tzinfo=datetime.timezone.utc).timestamp()
times = t0 + 3600.0 * np.arange(1, 3 + 48 + 5 + 1)
nt = len(times)
pm = np.full(nt, 50.0)
pm[3:27] = np.linspace(60, 120, 24)  # 13 January: mean 90 > 75
pm[27:51] = 200.0  # 14 January: 200 > 150, heavy
so2 = np.full(nt, 100.0)
nox = np.full(nt, 70.0)
conc = np.stack([so2, nox, pm], axis=-1)[:, None, :]  # (time, receptor, species)
contrib = np.zeros((nt, 1, 3, 2))
contrib[..., 0] = 0.25 * conc
contrib[..., 1] = 0.75 * conc
rec = {"time": times, "bounds": np.stack([times - 3600, times], axis=-1), "conc": conc, "contrib": contrib,
       "receptor": ["WCS"], "species": ["so2", "nox", "pm25"]}
ok(report.bjt(times[1]) == "2024-01-12 23:00" and report.bjt(times[2]) == "2024-01-13 00:00",
   f"Beijing time is UTC+8 ({report.bjt(times[2])} for {report.iso(times[2])})")
days = report.beijing_days(rec)
ok([d.isoformat() for d in days] == ["2024-01-13", "2024-01-14"] and all(len(v) == 24 for v in days.values()),
   f"whole Beijing days only: {[d.isoformat() for d in days]} (12 and 15 January are partial)")
ok(days[datetime.date(2024, 1, 13)] == list(range(3, 27)),
   "13 January holds the hourly means ending 01:00 to 24:00 Beijing time (16:00Z to 16:00Z)")
daily = report.daily_rows(rec)
by = {(x["day_beijing"], x["species"]): x for x in daily}
ok(abs(by[("2024-01-13", "pm25")]["mean_ug_m3"] - 90.0) < 1e-12 and by[("2024-01-13", "pm25")]["grade"] == "exceeds",
   f"13 January: PM2.5 {by[('2024-01-13', 'pm25')]['mean_ug_m3']:.12g} (hand: 90) exceeds the 75 limit")
ok(by[("2024-01-14", "pm25")]["grade"] == "heavy", "14 January: PM2.5 200 is heavy pollution (> 150)")
ok(by[("2024-01-13", "so2")]["grade"] == "within" and by[("2024-01-13", "so2")]["limit_ug_m3"] == 150
   and by[("2024-01-13", "nox")]["limit_ug_m3"] == 80, "SO2 100 is within its 150 limit; NOx is held to NO2's 80")


class FakeTags:
    families = [("geo", "unit", [0, 1])]

    def spatial(self):
        return ("geo",)

    def groups(self, table):
        return [("a", "甲", "A", "unit", [0]), ("b", "乙", "B", "unit", [1])] if table == "family:geo" else []


heavy = report.heavy_rows(rec, FakeTags(), daily)
shares = {x["key"]: x["share_percent"] for x in heavy}
ok(len(heavy) == 2 and all(x["days"] == 2 for x in heavy) and abs(shares["a"] - 25) < 1e-9 and abs(shares["b"] - 75) < 1e-9,
   f"heavy-day attribution over the 2 days above the limit: shares {shares} (hand: 25, 75)")
print(f"1..{n}")
sys.exit(1 if failed else 0)
