#!/usr/bin/python3
"""The cost-versus-target curve of a bogda-strategy plan: strategy_curve.csv of OUT_DIR drawn as
OUT_DIR/strategy_curve.png (total cost in million yuan a year against each target receptor's
mean PM2.5 target; the plan as asked marked).

  plot_strategy.py OUT_DIR"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    out = sys.argv[1]
    rows = list(csv.DictReader(open(os.path.join(out, "strategy_curve.csv"))))
    if not rows:
        sys.exit(f"{out}/strategy_curve.csv: no curve points (strategy_curve_points = 0?)")
    receptors = [k[: -len("_target_ug_m3")] for k in rows[0] if k.endswith("_target_ug_m3")]
    rows = [r for r in rows if float(r["cost_yuan"]) >= 0]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for rec in receptors:
        x = [float(r[rec + "_target_ug_m3"]) for r in rows]
        y = [float(r["cost_yuan"]) / 1e6 for r in rows]
        ax.plot(x, y, "o-", label=rec)
        for r in rows:
            if r["asked"] == "1":
                ax.plot(float(r[rec + "_target_ug_m3"]), float(r["cost_yuan"]) / 1e6, "k*", ms=12)
    ax.set_xlabel("target: mean PM2.5 over the period (ug m-3)")
    ax.set_ylabel("least cost (million yuan a year)")
    ax.set_title("Cost versus target (star: the plan as asked; costs illustrative)")
    ax.invert_xaxis()
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path = os.path.join(out, "strategy_curve.png")
    fig.savefig(path + ".tmp.png", dpi=120)
    os.replace(path + ".tmp.png", path)
    print(f"plot_strategy.py: wrote {path}")


if __name__ == "__main__":
    main()
