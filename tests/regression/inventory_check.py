#!/usr/bin/env python3
"""Checks of the illustrative inventory and of a run's emission report (tests/regression/emission_inputs.sh).

  inventory_check.py tool NML DIR       the inventory tool's output in DIR against what NML told it:
      Xinjiang's total per species and sector = total x share (kt -> t), the 乌-昌-石 share of
      each species where one is given, the cities outside = outside_kt, and the gridded file plus
      the point sources = the totals table.
  inventory_check.py run DIR LOG CSV    a run's emitted totals (CSV) plus what its log reports as
      lost outside the domain = the inventory in DIR (gridded + points), per species.
Prints the largest relative difference; exits 1 if it exceeds 1e-9."""
import csv
import re
import sys

import numpy as np
from netCDF4 import Dataset

SPECIES = ["so2", "so4", "nox", "no3", "nh3", "nh4", "ppm25", "ppmc"]
SECTORS = ["power", "industry", "residential", "transport", "agriculture"]
LIMIT = 1e-9


def namelist_values(path, group):
    """The keys of one group of a Fortran namelist file, as lists of strings (simple files only)."""
    text = open(path, encoding="utf-8").read()
    text = "\n".join(line.split("!", 1)[0] for line in text.splitlines())
    m = re.search(r"&" + group + r"\b(.*?)^\s*/", text, re.S | re.M | re.I)
    if not m:
        sys.exit(f"{path}: no &{group} group")
    body, out = m.group(1), {}
    for key, value in re.findall(r"(\w+)\s*=\s*(.*?)(?=\n\s*\w+\s*=|\Z)", body, re.S):
        out[key.lower()] = [v.strip() for v in re.findall(r"'[^']*'|[^,\s]+", value)]
    return out


def reals(values):
    return [float(v) for v in values]


def relative(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def read_totals(path):
    """{(prefecture code, sector, species): t/yr} of a totals table."""
    out = {}
    with open(path, newline="", encoding="utf-8") as fp:
        for row in csv.DictReader(fp):
            key = (int(row["prefecture_code"]), row["sector"], row["species"])
            out[key] = out.get(key, 0.0) + float(row["t_per_year"])
    return out


def inventory_sums(directory):
    """Per (sector, species): the gridded file's total plus the point sources' totals, t/yr."""
    sums = {}
    with Dataset(f"{directory}/xinjiang_inventory.nc") as nc:
        for s in SPECIES:
            for sec in SECTORS:
                name = f"{s}_{sec}"
                if name in nc.variables:
                    sums[(sec, s)] = float(np.sum(nc.variables[name][:], dtype=np.float64))
    with open(f"{directory}/xinjiang_points.csv", newline="", encoding="utf-8") as fp:
        rows = csv.DictReader(line for line in fp if not line.startswith("#"))
        for row in rows:
            for s in SPECIES:
                key = (row["sector"], s)
                sums[key] = sums.get(key, 0.0) + float(row[f"{s}_t_yr"])
    return sums


def check_tool(nml, directory):
    p = namelist_values(nml, "inventory")
    total = reals(p["total"])
    shares = {sec: reals(p[f"share_{sec}"]) for sec in SECTORS}
    wcs_share = reals(p["wcs_share"])
    wcs = [int(c) for c in p["wcs_prefectures"]]
    outside_kt = np.array(reals(p["outside_kt"])).reshape(-1, len(SPECIES))
    totals = read_totals(f"{directory}/xinjiang_inventory_totals.csv")
    worst, lines = 0.0, []
    for i, s in enumerate(SPECIES):
        xj = sum(v for (code, sec, sp), v in totals.items() if sp == s and code != 0)
        for sec in SECTORS:
            want = total[i] * shares[sec][i] * 1000
            got = sum(v for (code, se, sp), v in totals.items() if sp == s and se == sec and code != 0)
            if want > 0 or got > 0:
                worst = max(worst, relative(got, want))
        if wcs_share[i] >= 0 and xj > 0:
            got = sum(v for (code, se, sp), v in totals.items() if sp == s and code in wcs) / xj
            worst = max(worst, relative(got, wcs_share[i]))
            lines.append(f"{s} WCS share {got:.6f}")
        out = sum(v for (code, se, sp), v in totals.items() if sp == s and code == 0)
        if outside_kt[:, i].sum() > 0:
            worst = max(worst, relative(out, outside_kt[:, i].sum() * 1000))
    sums = inventory_sums(directory)
    for (sec, s), v in sums.items():
        table = sum(x for (code, se, sp), x in totals.items() if sp == s and se == sec)
        if v > 0 or table > 0:
            worst = max(worst, relative(v, table))
    print(f"largest relative difference {worst:.2e} ({'; '.join(lines)})")
    return worst


def check_run(directory, log, table):
    sums = inventory_sums(directory)
    text = open(log, encoding="utf-8").read()
    m = re.search(r"lost outside:([^)]*)\)", text)
    if not m:
        sys.exit(f"{log}: no 'lost outside' line")
    tokens = m.group(1).split()
    lost = {tokens[k]: float(tokens[k + 1]) for k in range(0, len(tokens), 2)}
    emitted = read_totals(table)
    worst, parts = 0.0, []
    for s in SPECIES:
        want = sum(v for (sec, sp), v in sums.items() if sp == s)
        got = sum(v for (code, sec, sp), v in emitted.items() if sp == s) + lost[s]
        if want > 0:
            worst = max(worst, relative(got, want))
            parts.append(f"{s} {got:.1f}/{want:.1f}")
    print(f"largest relative difference {worst:.2e} (emitted + lost / inventory, t/yr: {', '.join(parts[:3])} ...)")
    return worst


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "tool":
        worst = check_tool(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "run":
        worst = check_run(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
    sys.exit(0 if worst < LIMIT else 1)


if __name__ == "__main__":
    main()
