#!/usr/bin/python3
"""Checks on receptor files (model/output/receptor_series.c) for tests/regression/attribution.sh.

  attribution_check.py zeroout BASE_DIR ZERO_DIR LABEL [LABEL...]
      base concentration - zero-out concentration against the base run's contribution of the
      tags LABEL (summed), at every receptor, species and time; prints the worst relative
      difference over the entries where the contribution exceeds 1e-6 of the bulk.
  attribution_check.py single DIR LABEL
      the tag LABEL equals the bulk and every other tag of its family is zero.
  attribution_check.py predict TABLE.csv SCENARIO_DIR
      the predicted episode means of the table against a real scenario run's receptor means.
  attribution_check.py bounded TABLE.csv SCENARIO_DIR
      bogda-predict -bounded's table: the real scenario run's means within predicted_low and
      predicted_high, the prediction too, and some rows with bounds apart.
  attribution_check.py closure DIR
      the largest closure deviation recorded in the receptor files.
  attribution_check.py unit_tags DIR DOMAIN.nc FAMILY PREFECTURE [PREFECTURE...]
      the unit family FAMILY, detailed for the PREFECTURE adcodes, has a tag of its own for
      exactly the units of those prefectures with an area in the domain, and one pref:<code> tag
      for each of those prefectures (the air of their units outside the domain and a parent's).
Exit status 0 when the check holds."""
import glob
import sys

import numpy as np
from netCDF4 import Dataset, chartostring


def load(run_dir):
    files = sorted(glob.glob(run_dir + "/*_receptors_*.nc"))
    if not files:
        sys.exit(f"no receptor files in {run_dir}")
    conc, contrib, closure, labels = [], [], [], None
    for f in files:
        with Dataset(f) as d:
            d.set_auto_chartostring(False)  # chartostring below decodes
            conc.append(d["conc"][:])
            contrib.append(d["contribution"][:])
            closure.append(d["closure"][:])
            labels = [str(s) for s in chartostring(d["tag_label"][:])]
    return np.concatenate(conc), np.concatenate(contrib), np.concatenate(closure), labels


def main():
    what = sys.argv[1]
    if what == "zeroout":
        conc, contrib, _, labels = load(sys.argv[2])
        zconc, _, _, _ = load(sys.argv[3])
        idx = [labels.index(lab) for lab in sys.argv[4:]]
        tag = contrib[..., idx].sum(axis=-1)
        diff = conc - zconc
        mask = np.abs(tag) > 1e-6 * np.abs(conc)
        if not mask.any():
            print("no entry where the group contributes: the test cannot judge")
            return 1
        rel = np.abs(diff[mask] - tag[mask]) / np.abs(tag[mask])
        print(f"{mask.sum()} entries, largest contribution {np.abs(tag).max():.4g} ug/m3, worst relative difference {rel.max():.3e}")
        return 0 if rel.max() < 1e-6 else 1
    if what == "single":
        conc, contrib, _, labels = load(sys.argv[2])
        n = labels.index(sys.argv[3])
        family = sys.argv[3].split(":")[0]
        others = [k for k, lab in enumerate(labels) if lab.startswith(family + ":") and k != n]
        dev = np.abs(contrib[..., n] - conc).max() / max(np.abs(conc).max(), 1e-300)
        rest = np.abs(contrib[..., others]).max()
        print(f"tag vs bulk: largest relative difference {dev:.3e}; largest other tag {rest:.3e}; bulk max {conc.max():.4g}")
        return 0 if dev < 1e-12 and rest == 0 and conc.max() > 0 else 1
    if what == "predict":
        import csv
        conc, _, _, _ = load(sys.argv[3])
        with Dataset(sorted(glob.glob(sys.argv[3] + "/*_receptors_*.nc"))[0]) as d:
            d.set_auto_chartostring(False)  # chartostring below decodes
            recs = [str(s) for s in chartostring(d["receptor_name"][:])]
            specs = [str(s) for s in chartostring(d["species_name"][:])]
        mean = conc.mean(axis=0)
        worst, n = 0.0, 0
        for row in csv.DictReader(open(sys.argv[2])):
            real = mean[recs.index(row["receptor"]), specs.index(row["species"])]
            base, pred = float(row["base"]), float(row["predicted"])
            if abs(real - base) > 1e-9 * abs(base):
                worst = max(worst, abs(pred - real) / abs(real - base))
                n += 1
        print(f"{n} changed entries; worst |predicted - real| / |change| = {worst:.3e}")
        return 0 if n > 0 and worst < 1e-6 else 1
    if what == "bounded":
        # bogda-predict -bounded against a real run of the scenario: every row's real mean within
        # its bounds (to 1e-6 of the change, as the exact prediction), the prediction within them,
        # and some rows really bounded (a scenario no family resolves).
        import csv
        conc, _, _, _ = load(sys.argv[3])
        with Dataset(sorted(glob.glob(sys.argv[3] + "/*_receptors_*.nc"))[0]) as d:
            d.set_auto_chartostring(False)
            recs = [str(s) for s in chartostring(d["receptor_name"][:])]
            specs = [str(s) for s in chartostring(d["species_name"][:])]
        mean = conc.mean(axis=0)
        outside, wide, n, width = 0, 0, 0, 0.0
        for row in csv.DictReader(open(sys.argv[2])):
            real = mean[recs.index(row["receptor"]), specs.index(row["species"])]
            base, pred = float(row["base"]), float(row["predicted"])
            lo, hi = float(row["predicted_low"]), float(row["predicted_high"])
            tol = 1e-6 * max(abs(real - base), 1e-12 * abs(base))
            n += 1
            outside += not (lo - tol <= real <= hi + tol and lo <= pred <= hi)
            if hi > lo:
                wide += 1
                width = max(width, (hi - lo) / max(abs(real - base), 1e-300))
        print(f"{n} rows, {wide} with bounds (widest {width:.3g} of the real change), {outside} outside them")
        return 0 if n > 0 and wide > 0 and outside == 0 else 1
    if what == "unit_tags":
        _, _, _, labels = load(sys.argv[2])
        fam, prefs = sys.argv[4], {int(x) for x in sys.argv[5:]}
        with Dataset(sys.argv[3]) as d:
            d.set_auto_chartostring(False)
            codes = [str(s) for s in chartostring(d["unit_code"][:])]
            area = d["unit_area_km2"][:]
            pidx = d["unit_prefecture"][:]
            pcode = d["prefecture_code"][:]
            parent = d["prefecture_parent"][:] if "prefecture_parent" in d.variables else None
        def detailed(p):
            if p < 0:
                return False
            if int(pcode[p]) in prefs:
                return True
            return parent is not None and parent[p] >= 0 and int(pcode[parent[p]]) in prefs
        want = {c for c, a, p in zip(codes, area, pidx) if detailed(int(p)) and a > 0}
        absent = sum(1 for a, p in zip(area, pidx) if detailed(int(p)) and a <= 0)
        inside = {c for c, p in zip(codes, pidx) if p >= 0}
        have = {lab.split(":", 1)[1] for lab in labels if lab.startswith(fam + ":") and lab.split(":", 1)[1] in inside}
        pref_tags = [lab for lab in labels if lab.startswith(fam + ":pref:")]
        ok = have == want and len(pref_tags) == len(set(pref_tags)) and absent > 0
        print(f"{len(have)} unit tags for {len(want)} units with area, {absent} units outside the domain without one, "
              f"{len(pref_tags)} prefecture tags")
        return 0 if ok else 1
    if what == "closure":
        _, _, closure, _ = load(sys.argv[2])
        print(f"{closure.max():.3e}")
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
