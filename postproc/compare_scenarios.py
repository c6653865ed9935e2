#!/usr/bin/python3
"""Compare scenarios in one table: the fast prediction from the base run's tags (bogda-predict's
CSV) and, where a scenario was also run, the simulated episode means at the hotspots.

    compare_scenarios.py PREDICTED.csv [SCENARIO_RUN_DIR ...]   > table.csv
    compare_scenarios.py BASE_DIR PREDICTED.csv                 (scenario runs in BASE_DIR/scenarios/*)

A scenario run directory holds the model's receptor files and its effective namelist, whose
&scenario name identifies the scenario. Columns: scenario, receptor, species, base, predicted,
simulated (empty if not run), change_percent (predicted), prediction_error (relative to the change)."""
import csv
import glob
import os
import re
import sys

import numpy as np
from netCDF4 import Dataset, chartostring


def receptor_means(run_dir):
    """Episode means conc[receptor][species] of a run directory's receptor files."""
    files = sorted(glob.glob(os.path.join(run_dir, "*_receptors_*.nc")))
    if not files:
        return None
    conc = []
    for f in files:
        with Dataset(f) as d:
            d.set_auto_chartostring(False)  # chartostring below decodes
            conc.append(d["conc"][:])
            recs = [str(s) for s in chartostring(d["receptor_name"][:])]
            species = [str(s) for s in chartostring(d["species_name"][:])]
    mean = np.concatenate(conc).mean(axis=0)
    return {(r, s): mean[i, k] for i, r in enumerate(recs) for k, s in enumerate(species)}


def scenario_name(run_dir):
    for path in glob.glob(os.path.join(run_dir, "*_effective.nml")):
        text = open(path, encoding="utf-8").read()
        m = re.search(r"&scenario\b.*?\bname\s*=\s*'([^']*)'", text, re.S)
        if m:
            return m.group(1)
    return None


def main():
    args = sys.argv[1:]
    if len(args) == 2 and os.path.isdir(args[0]):
        predicted, runs = args[1], glob.glob(os.path.join(args[0], "scenarios", "*", ""))
    elif args:
        predicted, runs = args[0], args[1:]
    else:
        sys.exit(__doc__)
    simulated = {}
    for run in runs:
        name, means = scenario_name(run), receptor_means(run)
        if name and means:
            simulated[name] = means
    out = csv.writer(sys.stdout)
    out.writerow(["scenario", "receptor", "species", "base", "predicted", "simulated", "change_percent", "prediction_error"])
    for row in csv.DictReader(open(predicted, encoding="utf-8")):
        base, pred = float(row["base"]), float(row["predicted"])
        sim = simulated.get(row["scenario"], {}).get((row["receptor"], row["species"]))
        err = "" if sim is None or sim == base else f"{abs(pred - sim) / abs(sim - base):.3e}"
        out.writerow([row["scenario"], row["receptor"], row["species"], f"{base:.6g}", f"{pred:.6g}",
                      "" if sim is None else f"{sim:.6g}", f"{100 * (pred - base) / base:.3f}" if base else "", err])


if __name__ == "__main__":
    main()
