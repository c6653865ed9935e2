#!/usr/bin/python3
"""Maps and tables of an emission inventory in Bogda's input format (bin/bogda-inventory's output,
or MEIC/CAQIEI converted to it).

    /usr/bin/python3 postproc/plot_inventory.py DIR [-o OUTDIR] [--species so2,ppm25]

DIR holds xinjiang_inventory.nc (<species>_<sector>(lat, lon) in t yr-1 per cell),
xinjiang_points.csv (the stacks) and xinjiang_inventory_totals.csv (t/yr by prefecture, sector
and species). Writes to OUTDIR (default DIR):
  inventory_<species>.png      annual emissions of each chosen species, all sectors, in t km-2 yr-1
                               on a log scale, with the prefecture borders and the stacks (circle
                               area ~ their emissions);
  inventory_by_prefecture.csv  the totals per prefecture (rows) and sector (columns) of every
                               species, kt/yr, with Xinjiang's sum;
and prints the Xinjiang totals by sector. Needs python3-numpy, python3-matplotlib, python3-netcdf4.
"""
import argparse
import csv
import json
import os
import sys

import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402
from netCDF4 import Dataset  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_domain import DATA, rings  # noqa: E402

SECTORS = ["power", "industry", "residential", "transport", "agriculture"]
EARTH_RADIUS_KM = 6370.0


def fail(msg):
    sys.exit(f"plot_inventory.py: error: {msg}")


def cell_area_km2(lat, lon):
    dlat, dlon = np.radians(lat[1] - lat[0]), np.radians(lon[1] - lon[0])
    band = np.sin(np.radians(lat) + dlat / 2) - np.sin(np.radians(lat) - dlat / 2)
    return EARTH_RADIUS_KM ** 2 * dlon * band[:, None] * np.ones(len(lon))[None, :]


def prefecture_names():
    """English and Chinese names of the prefectures by adcode, from the shipped boundaries."""
    out = {0: "outside Xinjiang"}
    with open(os.path.join(DATA, "xinjiang_prefectures_amap.geojson"), encoding="utf-8") as f:
        for feature in json.load(f)["features"]:
            p = feature["properties"]
            out[int(p["adcode"])] = f"{p.get('name_en', p['adcode'])} {p.get('name', '')}".strip()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("-o", "--out")
    ap.add_argument("--species", default="so2,ppm25")
    args = ap.parse_args()
    out = args.out or args.dir
    os.makedirs(out, exist_ok=True)
    nc_path = os.path.join(args.dir, "xinjiang_inventory.nc")
    if not os.path.exists(nc_path):
        fail(f"{nc_path}: no such file")
    borders = rings(os.path.join(DATA, "xinjiang_prefectures_amap.geojson"))
    outline = rings(os.path.join(DATA, "xinjiang_outline_dcw.geojson"))
    points = []
    with open(os.path.join(args.dir, "xinjiang_points.csv"), encoding="utf-8") as f:
        points = list(csv.DictReader(line for line in f if not line.startswith("#")))
    with Dataset(nc_path) as nc:
        lat, lon = nc.variables["lat"][:], nc.variables["lon"][:]
        area = cell_area_km2(lat, lon)
        for sp in args.species.split(","):
            names = [f"{sp}_{sec}" for sec in SECTORS if f"{sp}_{sec}" in nc.variables]
            if not names:
                fail(f"{nc_path}: no variable {sp}_<sector>")
            total = sum(np.asarray(nc.variables[n][:], dtype=float) for n in names) / area
            fig, ax = plt.subplots(figsize=(10, 6.5), constrained_layout=True)
            positive = total[total > 0]
            norm = LogNorm(vmin=max(positive.min(), positive.max() * 1e-5), vmax=positive.max())
            pc = ax.pcolormesh(lon, lat, np.ma.masked_less_equal(total, 0), norm=norm, cmap="inferno_r", shading="nearest")
            for r in borders:
                ax.plot(r[:, 0], r[:, 1], color="0.35", lw=0.4)
            for r in outline:
                ax.plot(r[:, 0], r[:, 1], color="k", lw=1.0)
            col = f"{sp}_t_yr"
            if points and col in points[0]:
                t = np.array([float(p[col]) for p in points])
                ax.scatter([float(p["lon"]) for p in points], [float(p["lat"]) for p in points], s=5 + 60 * t / max(t.max(), 1e-9),
                           facecolors="none", edgecolors="tab:blue", linewidths=1.0, label="stacks (area ~ emission)")
                ax.legend(loc="lower left")
            ax.set_xlim(73, 97)
            ax.set_ylim(34, 50)
            ax.set_xlabel("longitude (degrees east)")
            ax.set_ylabel("latitude (degrees north)")
            ax.set_title(f"Annual {sp.upper()} emissions, all sectors, area sources (ILLUSTRATIVE inventory)")
            fig.colorbar(pc, ax=ax, label=f"{sp.upper()} t km-2 yr-1")
            path = os.path.join(out, f"inventory_{sp}.png")
            fig.savefig(path + ".tmp.png", dpi=100)
            os.replace(path + ".tmp.png", path)
            plt.close(fig)
            print(path)
    totals = {}
    species = []
    with open(os.path.join(args.dir, "xinjiang_inventory_totals.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = (int(row["prefecture_code"]), row["species"])
            if row["species"] not in species:
                species.append(row["species"])
            totals.setdefault(key, dict.fromkeys(SECTORS, 0.0))[row["sector"]] += float(row["t_per_year"]) / 1000
    names = prefecture_names()
    path = os.path.join(out, "inventory_by_prefecture.csv")
    with open(path + ".tmp", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["prefecture_code", "prefecture", "species"] + [f"{s}_kt_yr" for s in SECTORS] + ["total_kt_yr"])
        for sp in species:
            xj = dict.fromkeys(SECTORS, 0.0)
            for (code, s), v in sorted(totals.items()):
                if s != sp:
                    continue
                w.writerow([code, names.get(code, str(code)), sp] + [f"{v[k]:.3f}" for k in SECTORS] + [f"{sum(v.values()):.3f}"])
                if code != 0:
                    for k in SECTORS:
                        xj[k] += v[k]
            w.writerow(["650000", "Xinjiang", sp] + [f"{xj[k]:.3f}" for k in SECTORS] + [f"{sum(xj.values()):.3f}"])
            print(f"Xinjiang {sp}: " + ", ".join(f"{k} {xj[k]:.1f}" for k in SECTORS) + f"; total {sum(xj.values()):.1f} kt/yr")
    os.replace(path + ".tmp", path)
    print(path)


if __name__ == "__main__":
    main()
