#!/usr/bin/env python3
"""Scenario predictions from a backward run's source table against real scenario runs
(tests/regression/predict_adjoint.sh).

  predict_adjoint_check.py PREDICTED.csv TABLE.csv BASE_DIR SCENARIO_DIR ...

PREDICTED.csv is bogda-predict -adjoint's table, TABLE.csv the source table it was made from
(its functionals, receptor:species:H0-H1h, in order: bogda-predict writes one row per functional
and scenario in that order). Each run directory holds the receptor series <name>_receptors_*.nc
and <name>_effective.nml, whose &scenario name identifies the scenario. Checks every row's base
against the base run's window mean and its prediction against the scenario run's; prints the
largest differences relative to the simulated value and to the simulated change, and fails if
the first exceeds 1e-10 or a scenario of the table has no run."""
import csv
import glob
import re
import sys

import netCDF4
import numpy as np

RTOL = 1e-10  # the upwind case is linear in the emissions: round-off only


def labels(ds, var):
    ds.set_auto_chartostring(False)  # the names declare _Encoding; chartostring decodes them
    return [str(x).strip() for x in netCDF4.chartostring(ds[var][:])]


def series(run):
    """(record bounds [t, 2] in s, conc [t, receptor, species], receptors, species)."""
    bnds, conc = [], []
    for path in sorted(glob.glob(f"{run}/*_receptors_*.nc")):
        with netCDF4.Dataset(path) as ds:
            recs, species = labels(ds, "receptor_name"), labels(ds, "species_name")
            bnds.append(ds["time_bnds"][:])
            conc.append(ds["conc"][:])
    if not bnds:
        sys.exit(f"{run}: no receptor series")
    return np.concatenate(bnds), np.concatenate(conc), recs, species


def window_mean(run, label):
    bnds, conc, recs, species = run
    rec, spec, window = label.split(":")
    h0, h1 = (float(x) for x in window[:-1].split("-"))
    t0 = bnds[0, 0]
    sel = (bnds[:, 0] >= t0 + 3600 * h0 - 1e-3) & (bnds[:, 1] <= t0 + 3600 * h1 + 1e-3)
    return conc[sel, recs.index(rec), species.index(spec)].mean()


def scenario_name(run):
    for path in glob.glob(f"{run}/*_effective.nml"):
        m = re.search(r"&scenario\b.*?\bname\s*=\s*'([^']*)'", open(path, encoding="utf-8").read(), re.S)
        if m:
            return m.group(1)
    return "base"


def main():
    predicted, table, base_dir, scen_dirs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    funcs = []
    with open(table, encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if row["functional"] not in funcs:
                funcs.append(row["functional"])
    base = series(base_dir)
    runs = {scenario_name(d): series(d) for d in scen_dirs}
    rows = list(csv.DictReader(open(predicted, encoding="utf-8")))
    worst = worst_change = worst_base = 0.0
    names = []
    for m, row in enumerate(rows):
        label = funcs[m % len(funcs)]
        rec, spec, _ = label.split(":")
        if (row["receptor"], row["species"]) != (rec, spec) or row["family"] != "adjoint":
            sys.exit(f"{predicted}:{m + 2}: {row['receptor']}:{row['species']} ({row['family']}); expected {label} (adjoint)")
        if row["scenario"] not in runs:
            sys.exit(f"{predicted}:{m + 2}: scenario {row['scenario']} has no run")
        names.append(row["scenario"])
        b, pred = window_mean(base, label), float(row["predicted"])
        sim = window_mean(runs[row["scenario"]], label)
        worst_base = max(worst_base, abs(float(row["base"]) - b) / abs(b))
        worst = max(worst, abs(pred - sim) / abs(sim))
        if abs(sim - b) > 1e-9 * abs(b):
            worst_change = max(worst_change, abs(pred - sim) / abs(sim - b))
    print(f"{len(rows)} predictions ({len(set(names))} scenarios x {len(funcs)} functionals): "
          f"worst relative difference {worst:.2e} of the simulated value, {worst_change:.2e} of the "
          f"simulated change; bases {worst_base:.2e}")
    sys.exit(0 if rows and worst <= RTOL and worst_base <= RTOL else 1)


if __name__ == "__main__":
    main()
