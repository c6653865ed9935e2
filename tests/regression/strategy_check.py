#!/usr/bin/python3
"""Checks of bogda-strategy's plans for tests/regression/strategy.sh.

  strategy_check.py realrun OUT_DIR SCENARIO_RUN_DIR [RTOL]
      the real run of the optimum (strategy_scenario.nml) against the plan: every target's
      receptor mean PM2.5 at or below its target (to 1e-9 relative) and equal to the predicted
      mean to RTOL relative (default 1e-6); prints the worst relative difference.
  strategy_check.py linprog OUT_DIR BASE_RUN_DIR COST_CSV MAX_CUT [SECTOR:CAP ...]
      the LP built again here from the base run's receptor files, the plan's emissions table (the
      tonnes of each variable by sector) and the cost table, solved by scipy's HiGHS (an
      independent solver), against the plan's total cost; prints the relative difference (exit 1
      above 1e-9). A variable of a family by unit cuts all its sectors by the same fraction: its
      tiers are the union of their curves' breakpoints.
Exit status 0 when the check holds."""
import csv
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report_check import load  # noqa: E402  (the receptor files of a run, with their registries)

PM25 = ["so4", "no3", "nh4", "ppm25"]
SOURCE = {"so4": "so2", "no3": "nox", "nh4": "nh3", "ppm25": "ppm25"}


def realrun(out, scen, rtol=1e-6):
    conc, _, _, recs, species = load(scen)
    pm = sum(conc[:, :, species.index(s)] for s in PM25).mean(axis=0)
    worst = 0.0
    ok = True
    for row in csv.DictReader(open(out + "/strategy_targets.csv")):
        if row["constraint"] != "mean":
            continue
        real = pm[recs.index(row["receptor"])]
        pred, target = float(row["predicted_ug_m3"]), float(row["target_ug_m3"])
        rel = abs(real - pred) / abs(pred)
        worst = max(worst, rel)
        ok = ok and rel < rtol and real <= target * (1 + 1e-9)
        print(f"{row['receptor']}: real {real:.10g} predicted {pred:.10g} target {target:.10g}",
              end="; ")
    print(f"worst relative difference {worst:.3g}")
    return ok


def linprog_check(out, base, cost_csv, max_cut, caps):
    from scipy.optimize import linprog
    conc, contrib, labels, recs, species = load(base)
    curves = {}
    for row in csv.DictReader(line for line in open(cost_csv) if not line.startswith("#")):
        curves.setdefault((row["sector"], row["precursor"]), []).append(
            (float(row["tier_upto_fraction"]), float(row["yuan_per_tonne"])))
    cols_cost, cols_ub, cols_a = [], [], []
    targets = [r for r in csv.DictReader(open(out + "/strategy_targets.csv")) if r["constraint"] == "mean"]
    variables = {}
    for row in csv.DictReader(open(out + "/strategy_emissions.csv")):
        variables.setdefault(row["variable"], []).append(row)
    for rows in variables.values():
        n, prec = labels.index(rows[0]["tag"]), rows[0]["precursor"]
        e_s = {r["emission_sector"]: float(r["sector_t_per_year"]) for r in rows}
        # Every sector of the variable cut by the same fraction, up to the smallest cap.
        cap = min(min(caps.get(s, max_cut), curves[(s, prec)][-1][0]) for s in e_s)
        points = sorted({u for s in e_s for u, _ in curves[(s, prec)] if u < cap} | {cap})
        a = []
        for t in targets:
            r = recs.index(t["receptor"])
            a.append(sum(contrib[:, r, species.index(q), n].mean() for q in PM25 if SOURCE[q] == prec))
        lo = 0.0
        for hi in points:
            mid = 0.5 * (lo + hi)
            price = sum(e * next(p for u, p in curves[(s, prec)] if u >= mid) for s, e in e_s.items())
            cols_cost.append(price)
            cols_ub.append(hi - lo)
            cols_a.append(a)
            lo = hi
    pm = sum(conc[:, :, species.index(s)] for s in PM25).mean(axis=0)
    rhs = [pm[recs.index(t["receptor"])] - float(t["target_ug_m3"]) for t in targets]
    res = linprog(np.array(cols_cost), A_ub=-np.array(cols_a).T, b_ub=-np.array(rhs),
                  bounds=[(0, u) for u in cols_ub], method="highs")
    if res.status != 0:
        print(f"HiGHS: {res.message}")
        return False
    plan = json.load(open(out + "/strategy.json"))["total_cost_yuan"]
    rel = abs(res.fun - plan) / abs(res.fun)
    print(f"HiGHS {res.fun:.12g} yuan, bogda-strategy (GLPK) {plan:.12g} yuan: relative difference {rel:.3g}"
          f" ({len(cols_cost)} columns)")
    return res.status == 0 and rel < 1e-9


def main():
    if sys.argv[1] == "realrun":
        ok = realrun(sys.argv[2], sys.argv[3], *(float(a) for a in sys.argv[4:5]))
    else:
        caps = dict(a.split(":") for a in sys.argv[6:])
        ok = linprog_check(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]),
                           {k: float(c) for k, c in caps.items()})
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
