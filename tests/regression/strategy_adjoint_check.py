#!/usr/bin/python3
"""Checks of bogda-strategy -adjoint for tests/regression/strategy_adjoint.sh.

  strategy_adjoint_check.py same PLAN_A PLAN_B TABLE
      two plans over the same variables: the same total cost and the same predicted receptor
      means (1e-9 relative), and the same cut of every (unit, sector, precursor) (1e-9 absolute,
      as a fraction), except among variables the programme cannot tell apart (the optimum is then
      not unique, and round-off of 1e-13 in the coefficients picks the vertex): those of one
      sector and precursor whose reduction per tonne at every receptor, from the backward run's
      table TABLE, agrees to 1e-9; their tonnes cut together (by sector and precursor) must agree to 1e-9 relative. Prints
      the differences.
  strategy_adjoint_check.py unresolved PLAN_ADJOINT PLAN_RUN
      the units the adjoint plan cuts that are no variable of the tagged run's plan; prints them
      (exit 1 if there is none).
Exit status 0 when the check holds."""
import csv
import json
import sys


def cuts(plan):
    return {(r["unit_code"], r["sector"], r["precursor"]): float(r["cut_percent"]) / 100
            for r in csv.DictReader(open(plan + "/strategy_units.csv"))}


def cost(plan):
    return json.load(open(plan + "/strategy.json"))["total_cost_yuan"]


def per_tonne(table):
    """{(unit, sector, species): ({functional: ug m-3 per t/yr}, t/yr)} of the table's rows."""
    contrib, tonnes, first = {}, {}, None
    for r in csv.DictReader(line.lstrip("\ufeff") for line in open(table, encoding="utf-8")):
        if r["source"] != "area" and not r["source"].startswith("stack:"):
            continue
        key = (r["unit"], r["sector"], r["species"])
        first = first or r["functional"]
        f = contrib.setdefault(key, {})
        f[r["functional"]] = f.get(r["functional"], 0.0) + float(r["contribution_ug_m3"])
        if r["functional"] == first:
            tonnes[key] = tonnes.get(key, 0.0) + float(r["emission_t_per_year"])
    return {k: ({f: v / tonnes[k] for f, v in c.items()}, tonnes[k]) for k, c in contrib.items()}


def predicted(plan):
    return [float(r["predicted_ug_m3"]) for r in csv.DictReader(open(plan + "/strategy_targets.csv"))]


def same(a, b, table):
    ca, cb = cuts(a), cuts(b)
    if set(ca) != set(cb):
        print(f"the variables differ: {len(set(ca) ^ set(cb))} in one plan only")
        return False
    rel = abs(cost(a) - cost(b)) / abs(cost(b))
    pred = max(abs(x - y) / abs(y) for x, y in zip(predicted(a), predicted(b)))
    differ = [k for k in ca if abs(ca[k] - cb[k]) >= 1e-9]
    coef, ok = per_tonne(table), True
    for k in differ:  # each must have an interchangeable partner among the others
        ck = coef[k][0]
        ok = ok and any(k2 != k and k2[1:] == k[1:] and
                        all(abs(coef[k2][0].get(f, 0) - v) <= 1e-9 * abs(v) for f, v in ck.items())
                        for k2 in differ)
    groups = {}
    for k in differ:
        g = groups.setdefault(k[1:], [0.0, 0.0])
        g[0] += ca[k] * coef[k][1]
        g[1] += cb[k] * coef[k][1]
    tonnes = max((abs(x - y) / max(abs(y), 1e-300) for x, y in groups.values()), default=0.0)
    print(f"{len(ca)} variables, cost {cost(a):.12g} vs {cost(b):.12g} yuan (relative difference "
          f"{rel:.3g}), predicted means to {pred:.3g}; {len(ca) - len(differ)} cuts equal to 1e-9, "
          f"{len(differ)} differ among interchangeable units ({', '.join('/'.join(k) for k in differ)}) "
          f"whose tonnes cut together agree to {tonnes:.3g}")
    return rel < 1e-9 and pred < 1e-9 and ok and tonnes < 1e-9


def unresolved(adj, run):
    resolved = {k[0] for k in cuts(run)}
    extra = sorted({k[0] for k, y in cuts(adj).items() if y > 0 and k[0] not in resolved})
    print(f"{len(extra)} units cut that the tags do not resolve: {', '.join(extra[:6])}")
    return bool(extra)


def main():
    if sys.argv[1] == "same":
        ok = same(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        ok = unresolved(sys.argv[2], sys.argv[3])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
