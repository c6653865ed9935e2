#!/usr/bin/python3
"""Maps of Bogda domain files: terrain with prefecture borders, the Xinjiang outline, hotspot
receptors, cities and point sources; and the kind of control unit that covers most of each cell.

    /usr/bin/python3 postproc/plot_domain.py DIR/xj27_domain.nc [DIR/ns9_domain.nc ...] [-o OUTDIR]

writes OUTDIR/<name>_terrain.png and OUTDIR/<name>_units.png (OUTDIR defaults to the folder of
each domain file). Needs Debian's python3-numpy, python3-matplotlib and python3-netcdf4.
"""
import argparse
import csv
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from netCDF4 import Dataset  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data")
KIND_NAMES = ["priority protection", "key control", "general"]
KIND_COLOURS = ["#2e8b57", "#d7301f", "#f2d98c"]
OUTSIDE_COLOURS = ["#c6dbef", "#dadaeb", "#d9d9d9", "#fdd0a2", "#c7e9c0", "#f0f0f0", "#e7d4e8", "#fee0d2"]
OUTSIDE = 3  # unit_kind of a source region outside Xinjiang
HOTSPOT_COLOURS = {"WCS": "#e41a1c", "KDW": "#ff7f00", "YN": "#984ea3"}


def names(var):
    """Decode a [n, strlen] character variable into a list of str."""
    var.set_auto_chartostring(False)  # bytes, also where the file declares _Encoding
    return [bytes(row).decode("utf-8", "replace").rstrip("\x00") for row in var[:].data]


def rings(path):
    """Every ring of every polygon of a GeoJSON file as an (n, 2) array."""
    with open(path, encoding="utf-8") as f:
        features = json.load(f)["features"]
    out = []
    for feature in features:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        out += [np.array(ring) for polygon in polygons for ring in polygon if len(ring) >= 4]
    return out


def sites():
    with open(os.path.join(DATA, "xinjiang_hotspots_and_point_sources.csv"), encoding="utf-8") as f:
        return list(csv.DictReader(f))


def corners(a):
    """Cell-corner values of a curvilinear field of cell centres: the mean of the four centres
    around each corner, the centres first extended by one linearly extrapolated row and column
    on every side."""
    p = np.empty((a.shape[0] + 2, a.shape[1] + 2))
    p[1:-1, 1:-1] = a
    p[0, 1:-1], p[-1, 1:-1] = 2 * a[0] - a[1], 2 * a[-1] - a[-2]
    p[:, 0], p[:, -1] = 2 * p[:, 1] - p[:, 2], 2 * p[:, -2] - p[:, -3]
    return 0.25 * (p[:-1, :-1] + p[1:, :-1] + p[:-1, 1:] + p[1:, 1:])


def frame(ax, lon, lat, title):
    ax.set_xlim(lon.min(), lon.max())
    ax.set_ylim(lat.min(), lat.max())
    ax.set_aspect(1 / np.cos(np.radians(lat.mean())))
    ax.set_xlabel("longitude (degrees east)")
    ax.set_ylabel("latitude (degrees north)")
    ax.set_title(title, fontsize=10)


def borders(ax, prefectures, outline):
    for ring in prefectures:
        ax.plot(ring[:, 0], ring[:, 1], color="k", lw=0.4, alpha=0.7)
    for ring in outline:
        ax.plot(ring[:, 0], ring[:, 1], color="k", lw=1.2)


def mark_sites(ax, rows):
    for row in rows:
        x, y = float(row["lon_wgs84"]), float(row["lat_wgs84"])
        if row["kind"] == "city":
            ax.plot(x, y, "o", ms=3.5, mfc="white", mec="k", mew=0.6)
        else:
            ax.plot(x, y, "^", ms=4.5, mfc="#ffcc00", mec="k", mew=0.6)
    ax.plot([], [], "o", ms=4, mfc="white", mec="k", label="city seat")
    ax.plot([], [], "^", ms=5, mfc="#ffcc00", mec="k", label="large point source")


def terrain_map(d, name, lon, lat, prefectures, outline, rows, out):
    fig, ax = plt.subplots(figsize=(10, 7.5))
    mesh = ax.pcolormesh(corners(lon), corners(lat), d["terrain"][:], cmap="terrain", vmin=-500, vmax=6000)
    fig.colorbar(mesh, ax=ax, shrink=0.6, location="left", pad=0.12, label="terrain height, cell average (m)")
    borders(ax, prefectures, outline)
    weights = d["receptor_weight"][:]
    for r, rec in enumerate(names(d["receptor_name"])):
        w = weights[r]
        colour = HOTSPOT_COLOURS.get(rec, "m")
        ax.contour(lon, lat, (w > 0).astype(float), levels=[0.5], colors=colour, linewidths=1.5)
        j, i = np.unravel_index(np.argmax(w), w.shape)
        ax.annotate(rec, (lon[j, i], lat[j, i]), xytext=(6, 8), textcoords="offset points", color=colour,
                    fontweight="bold", fontsize=9)
    mark_sites(ax, rows)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    frame(ax, lon, lat, f"{name}: terrain ({d.NX} x {d.NY} cells of {d.DX / 1000:g} km), prefecture borders, "
                        "hotspot receptors (outlined)")
    fig.savefig(out, dpi=110, bbox_inches="tight")
    plt.close(fig)


def dominant_class(d):
    """Class of the unit covering the largest share of each cell: its kind inside Xinjiang, or
    3 + the rank of its outside region among the outside units."""
    best = np.full((d.NY, d.NX), -1.0)
    cls = np.zeros((d.NY, d.NX), dtype=int)
    unit_kind = d["unit_kind"][:]
    outside = [u for u in range(len(unit_kind)) if unit_kind[u] == OUTSIDE]
    value = [k if k != OUTSIDE else OUTSIDE + outside.index(u) for u, k in enumerate(unit_kind)]
    ci, cj, cu, cf = (d[v][:] for v in ("cover_i", "cover_j", "cover_unit", "cover_fraction"))
    for i, j, u, f in zip(ci, cj, cu, cf):
        if f > best[j, i]:
            best[j, i], cls[j, i] = f, value[u]
    return cls, [names(d["unit_name_en"])[u] for u in outside]


def units_map(d, name, lon, lat, prefectures, outline, rows, out):
    fig, ax = plt.subplots(figsize=(10, 7.5))
    cls, regions = dominant_class(d)
    colours = KIND_COLOURS + [OUTSIDE_COLOURS[k % len(OUTSIDE_COLOURS)] for k in range(len(regions))]
    ax.pcolormesh(corners(lon), corners(lat), cls, cmap=ListedColormap(colours), vmin=-0.5, vmax=len(colours) - 0.5)
    for k, label in enumerate(KIND_NAMES + [f"outside: {r}" for r in regions]):
        ax.fill_between([], [], color=colours[k], label=label)
    borders(ax, prefectures, outline)
    mark_sites(ax, rows)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    frame(ax, lon, lat, f"{name}: control unit kind covering most of each cell (1+14+N, derived units)")
    fig.savefig(out, dpi=110, bbox_inches="tight")
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="domain files written by bin/bogda-grid")
    parser.add_argument("-o", "--outdir", help="folder for the PNG files (default: beside each file)")
    args = parser.parse_args()
    prefectures = rings(os.path.join(DATA, "xinjiang_prefectures_amap.geojson"))
    outline = rings(os.path.join(DATA, "xinjiang_outline_dcw.geojson"))
    rows = sites()
    for path in args.files:
        with Dataset(path) as d:
            name = d.domain_name
            lon, lat = d["lon"][:], d["lat"][:]
            outdir = args.outdir or os.path.dirname(os.path.abspath(path))
            os.makedirs(outdir, exist_ok=True)
            for kind, draw in (("terrain", terrain_map), ("units", units_map)):
                out = os.path.join(outdir, f"{name}_{kind}.png")
                draw(d, name, lon, lat, prefectures, outline, rows, out)
                print(out)


if __name__ == "__main__":
    main()
