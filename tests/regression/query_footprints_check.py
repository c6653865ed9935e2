#!/usr/bin/env python3
"""Checks of bogda-query -footprints against a real run (tests/regression/query_footprints.sh).

  query_footprints_check.py surface RUN_DIR ANSWER.json ID
  query_footprints_check.py stack RUN_DIR ANSWER.json ID

ANSWER.json is bogda-query's -json answer for a project; RUN_DIR a forward run with that project
added as the point source ID, which the point family tags alone (its tag stack:pt:ID). For every
functional of the answer (receptor:species:h0-h1h) the real added value is the tag's window mean
at the receptor (the receptor series, as adjoint_check.py reads them). Functionals the project
reaches by less than 1e-9 of their value are left out (round-off), and at least one must remain.

surface: the answer equals the tag to 2.5e-7 relative: the footprints are 32-bit floats (each
         rounded to 2^-24 = 6e-8 of itself) and the answer sums non-negative terms, so it carries
         that rounding, the tag its own; twice their sum (issue 15 asks for 1e-6).
stack:   the answer's error is at most its error_estimate (the spread of the plume's layers times
         the range of the footprint over them, which bounds it when the footprint's time course is
         the same in those layers: footprint_query.h); prints the errors relative to the tag."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adjoint_check  # noqa: E402 (the receptor series reader of the backward-run tests)


def main():
    what, run, answer, point = sys.argv[1:5]
    recs, species, tags = adjoint_check.forward(run)
    m = tags.index(f"stack:pt:{point}")
    project = json.load(open(answer))["project"]
    worst, out = 0.0, []
    for fn in project["functionals"]:
        J, contrib = adjoint_check.window_mean(recs, species, fn["label"])
        real, got = float(contrib[m]), fn["add"]
        if abs(real) <= 1e-9 * abs(J):
            continue
        rel = abs(got - real) / abs(real)
        if what == "surface":
            worst = max(worst, rel)
            out.append(f"{fn['label']} {real:.4g} ug m-3 to {rel:.1e}")
        else:
            worst = max(worst, abs(got - real) / fn["error_estimate"])
            out.append(f"{fn['label']} {real:.4g} ug m-3: {100 * rel:.2g} % "
                       f"(estimate {100 * fn['error_estimate'] / abs(real):.2g} %)")
    print("; ".join(out))
    if not out:
        sys.exit("no functional reached")
    sys.exit(0 if worst <= (2.5e-7 if what == "surface" else 1.0) else 1)


main()
