#!/usr/bin/python3
"""Checks of bogda-strategy's named stacks (strategy_stacks) for tests/regression/strategy_stacks.sh.

  strategy_stacks_check.py same PLAN_A PLAN_B
      two plans over the same variables (a named stack's apart from its unit's): the same total
      cost and predicted receptor means (1e-9 relative), and the same cut of every variable (1e-9
      absolute, as a fraction); prints the differences.
  strategy_stacks_check.py linprog PLAN TABLE COST_CSV MAX_CUT UNITS STACKS [SECTOR:CAP ...]
      the programme built again here from the backward run's source table TABLE alone, solved by
      scipy's HiGHS, against the plan's cost (1e-9 relative): a variable per (unit, sector,
      precursor) of the units UNITS (comma-separated) with the named stacks' rows left out, and
      one per named stack and precursor (STACKS: ID:CAP,...), each costed on its sector's tiers
      for its tonnes up to its cap (a stack's own, else the sector's, else MAX_CUT).
  strategy_stacks_check.py apart PLAN
      the plan's scenario treats a named stack apart from its unit: it has a point: rule, and some
      named stack is cut by other than its unit and sector (so that the rule must undo the unit's);
      prints each stack's cut and its unit's.
Exit status 0 when the check holds."""
import csv
import json
import sys

import numpy as np

SOURCE = {"so2": "so2", "nox": "nox", "nh3": "nh3", "ppm25": "ppm25"}  # precursors cut


def cuts(plan):
    return {(r["unit_code"], r["sector"], r["precursor"], r["stack"]): float(r["cut_percent"]) / 100
            for r in csv.DictReader(open(plan + "/strategy_units.csv"))}


def summary(plan):
    j = json.load(open(plan + "/strategy.json"))
    return j["total_cost_yuan"], [r["predicted_ug_m3"] for r in j["receptors"]]


def same(a, b):
    ca, cb = cuts(a), cuts(b)
    if set(ca) != set(cb):
        print(f"the variables differ: {sorted(set(ca) ^ set(cb))[:4]}")
        return False
    (xa, pa), (xb, pb) = summary(a), summary(b)
    rel = abs(xa - xb) / abs(xb)
    pred = max(abs(x - y) / abs(y) for x, y in zip(pa, pb))
    worst = max(abs(ca[k] - cb[k]) for k in ca)
    stacks = sorted({k[3] for k in ca if k[3]})
    print(f"{len(ca)} variables ({', '.join(stacks)} on their own), cost {xa:.12g} vs {xb:.12g} yuan "
          f"(relative difference {rel:.3g}), predicted means to {pred:.3g}, cuts to {worst:.3g}")
    return rel < 1e-9 and pred < 1e-9 and worst < 1e-9 and len(stacks) > 0


def table_rows(table):
    """[(functional, unit, sector, species, stack id or '', t/yr, ug m-3)] and {functional: J}."""
    rows, J = [], {}
    for r in csv.DictReader(line.lstrip("\ufeff") for line in open(table, encoding="utf-8")):
        if r["source"] == "J":
            J[r["functional"]] = float(r["contribution_ug_m3"])
        elif r["source"] == "area" or r["source"].startswith("stack:"):
            stack = r["source"][6:] if r["source"].startswith("stack:") else ""
            rows.append((r["functional"], r["unit"], r["sector"], r["species"], stack,
                         float(r["emission_t_per_year"] or 0), float(r["contribution_ug_m3"])))
    return rows, J


def linprog_check(plan, table, cost_csv, max_cut, units, stacks, caps):
    from scipy.optimize import linprog
    curves = {}
    for row in csv.DictReader(line for line in open(cost_csv) if not line.startswith("#")):
        curves.setdefault((row["sector"], row["precursor"]), []).append(
            (float(row["tier_upto_fraction"]), float(row["yuan_per_tonne"])))
    rows, J = table_rows(table)
    targets = [r for r in csv.DictReader(open(plan + "/strategy_targets.csv")) if r["constraint"] == "mean"]
    funs = {t["receptor"]: next(f for f in J if f.split(":")[0] == t["receptor"] and f.split(":")[1] == "pm25")
            for t in targets}
    first = rows[0][0]
    var = {}  # (unit, sector, precursor, stack) -> [t/yr, {functional: ug m-3}]
    for f, u, s, k, st, e, c in rows:
        if k not in SOURCE or (u not in units and st not in stacks):
            continue
        key = (u, s, k, st if st in stacks else "")
        v = var.setdefault(key, [0.0, {}])
        if f == first:
            v[0] += e
        v[1][f] = v[1].get(f, 0.0) + c
    cost, ub, cols = [], [], []
    for (u, s, k, st), (e, c) in var.items():
        if e <= 0:
            continue
        cap = min(stacks[st] if st else caps.get(s, max_cut), curves[(s, k)][-1][0])
        lo = 0.0
        for hi in sorted({x for x, _ in curves[(s, k)] if x < cap} | {cap}):
            mid = 0.5 * (lo + hi)
            cost.append(e * next(p for x, p in curves[(s, k)] if x >= mid))
            ub.append(hi - lo)
            cols.append([c.get(funs[t["receptor"]], 0.0) for t in targets])
            lo = hi
    rhs = [J[funs[t["receptor"]]] - float(t["target_ug_m3"]) for t in targets]
    res = linprog(np.array(cost), A_ub=-np.array(cols).T, b_ub=-np.array(rhs),
                  bounds=[(0, w) for w in ub], method="highs")
    if res.status != 0:
        print(f"HiGHS: {res.message}")
        return False
    got = summary(plan)[0]
    rel = abs(res.fun - got) / abs(res.fun)
    print(f"HiGHS {res.fun:.12g} yuan, bogda-strategy (GLPK) {got:.12g} yuan: relative difference "
          f"{rel:.3g} ({len(var)} variables, {len(cost)} columns)")
    return rel < 1e-9


def apart(plan):
    c = cuts(plan)
    scen = open(plan + "/strategy_scenario.nml").read()
    differ, text = False, []
    for (u, s, k, st), y in sorted(c.items()):
        if st:
            yu = c.get((u, s, k, ""), 0.0)
            differ = differ or abs(y - yu) > 1e-6
            text.append(f"{st} {k} {100 * y:.4g}% (its unit {u} {s} {100 * yu:.4g}%)")
    print("; ".join(text))
    return "'point:" in scen and differ


def main():
    cmd = sys.argv[1]
    if cmd == "same":
        ok = same(sys.argv[2], sys.argv[3])
    elif cmd == "linprog":
        stacks = {a.split(":")[0]: float(a.split(":")[1]) for a in sys.argv[7].split(",")}
        caps = {a.split(":")[0]: float(a.split(":")[1]) for a in sys.argv[8:]}
        ok = linprog_check(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]),
                           set(sys.argv[6].split(",")), stacks, caps)
    else:
        ok = apart(sys.argv[2])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
