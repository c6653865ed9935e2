#!/usr/bin/env python3
"""Checks of a backward run's contribution table (tests/regression/adjoint.sh).

  adjoint_check.py tags RUN_DIR       every tag's adjoint contribution against the forward tag's
                                      window mean at the receptor (the receptor series), and J
                                      against the bulk's; prints the largest difference relative
                                      to J, and to the tag itself for tags above 1e-12 J (the
                                      inflow tags are small), and fails if either exceeds 1e-10;
                                      point functionals (no receptor series) are left to `point`
  adjoint_check.py point RUN_DIR [DOMAIN]
                                      each point functional's J (87.62E43.83N:SPECIES:H0-H1h)
                                      against the forward run's history output (hourly means, in
                                      32-bit floats) of its window in the cell whose centre is
                                      nearest to the point on the sphere (the history's lon, lat);
                                      fails above 2^-23 relative (twice the floats' rounding) or,
                                      with DOMAIN, if the cell is in none of its receptors (the
                                      test puts the point in a receptor's cell)
  adjoint_check.py sums RUN_DIR       each family's contributions (emissions, initial, inflow)
                                      summed against J; fails above 1e-12
  adjoint_check.py ranks DIR_A DIR_B  the two runs' tables entry by entry; fails above 1e-12
  adjoint_check.py combined TABLE_DIR RUN_DIR
                                      a nested child's combined table (postproc/adjoint_sources.py,
                                      with its parent's hand-off run) by sector, initial state,
                                      inflow by side and top, against the child's forward sector
                                      tags (which carry the parent's tags through its boundary
                                      files, in single precision: 2^-24 of each tag, so at most
                                      about 6e-8 of J); fails above 1e-7 of J; point
                                      functionals are left to `point`
  adjoint_check.py unit RUN_DIR
                                      the control unit with the largest contribution to the first
                                      functional among those the tags do not resolve (a prefecture
                                      tag, not a unit tag, holds it): prints its code
  adjoint_check.py zeroout RUN_DIR ZERO_DIR UNIT
                                      J minus the zero-out run's window mean (its receptor series)
                                      against the unit's rows of RUN_DIR's source table (gridded
                                      and stacks), for every functional it reaches (above 1e-8 of
                                      J); fails above 1e-10 relative (the upwind case is linear
                                      in the emissions: round-off only)
  adjoint_check.py footprints RUN_DIR DOMAIN
                                      the footprints: none negative; exactly zero for a species
                                      that cannot become the functional's (ppmc for PM2.5; all
                                      but the species and its precursor otherwise); a PM2.5
                                      footprint's surface maximum inside the receptor (for a
                                      point: in its cell)

RUN_DIR holds <name>_adjoint_contributions.csv and the receptor files <name>_receptors_*.nc.
Functionals are labelled receptor:species:start-endh (hours since the run start)."""
import csv
import glob
import os
import re
import sys

import netCDF4
import numpy as np


# A point receptor as the model reads it (base/lonlat.h): degrees east then north, E/W and N/S.
POINT = re.compile(r"^(\d+\.?\d*|\.\d+)([EW])(\d+\.?\d*|\.\d+)([NS])$")


def point(receptor):
    """(lon, lat) in degrees of a point receptor, None for a receptor's name."""
    m = POINT.match(receptor)
    if not m:
        return None
    lon, lat = float(m[1]) * (-1 if m[2] == "W" else 1), float(m[3]) * (-1 if m[4] == "S" else 1)
    return (lon, lat) if abs(lon) <= 180 and abs(lat) <= 90 else None


def nearest_cell(lon2, lat2, lon, lat):
    """(j, i) of the cell centre (2-D lon2, lat2, degrees) nearest to (lon, lat) on the sphere."""
    p, q, dl = np.radians(lat2), np.radians(lat), np.radians(lon2 - lon)
    cos_angle = np.sin(p) * np.sin(q) + np.cos(p) * np.cos(q) * np.cos(dl)
    return np.unravel_index(np.argmax(cos_angle), cos_angle.shape)


def history(run):
    """The history output (model/output/history.c) of a run, its segments joined: record bounds
    [t, 2] in s, cell centres lon, lat [y, x], and {variable: [t, y, x]} of the surface fields."""
    pattern = re.compile(r"^.+_\d{8}T\d{4}Z\.nc$")
    paths = sorted(p for p in glob.glob(f"{run}/*.nc") if pattern.match(os.path.basename(p))
                   and "_receptors_" not in os.path.basename(p))
    bnds, fields = [], {}
    for path in paths:
        with netCDF4.Dataset(path) as ds:
            bnds.append(ds["time_bnds"][:])
            lon, lat = np.asarray(ds["lon"][:], float), np.asarray(ds["lat"][:], float)
            for v in ds.variables:
                if ds[v].dimensions[1:] == ("y", "x") and ds[v].dimensions[0] == "time":
                    fields.setdefault(v, []).append(np.asarray(ds[v][:], float))
    if not paths:
        sys.exit(f"{run}: no history output")
    return np.concatenate(bnds), lon, lat, {v: np.concatenate(a) for v, a in fields.items()}


def in_window(bnds, window):
    """The records of bounds bnds that lie in window H0-H1h (hours since the first record's start)."""
    h0, h1 = (float(x) for x in window[:-1].split("-"))
    t0 = bnds[0, 0]
    return (bnds[:, 0] >= t0 + 3600 * h0 - 1e-3) & (bnds[:, 1] <= t0 + 3600 * h1 + 1e-3)


def table(run):
    path = glob.glob(f"{run}/*_adjoint_contributions.csv")[0]
    out = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            out.setdefault(row["functional"], {})[row["tag"]] = float(row["contribution_ug_m3"])
    return out


def labels(ds, var):
    ds.set_auto_chartostring(False)  # the names declare _Encoding; chartostring decodes them
    return [str(x).strip() for x in netCDF4.chartostring(ds[var][:])]


def forward(run):
    """Per receptor: the record bounds (s), bulk and contributions [record, species, tag]."""
    recs = {}
    for path in sorted(glob.glob(f"{run}/*_receptors_*.nc")):
        with netCDF4.Dataset(path) as ds:
            names, species = labels(ds, "receptor_name"), labels(ds, "species_name")
            tags = labels(ds, "tag_label") if "tag_label" in ds.variables else []  # an untagged run
            bnds = ds["time_bnds"][:]
            for e, name in enumerate(names):
                r = recs.setdefault(name, {"bnds": [], "conc": [], "contrib": []})
                r["bnds"].append(bnds)
                r["conc"].append(ds["conc"][:, e, :])
                r["contrib"].append(ds["contribution"][:, e, :, :] if tags else
                                    np.zeros(ds["conc"][:, e, :].shape + (0,)))
    for r in recs.values():
        for k in ("bnds", "conc", "contrib"):
            r[k] = np.concatenate(r[k])
    return recs, species, tags


def window_mean(recs, species, label):
    rec, spec, window = label.split(":")
    r = recs[rec]
    sel = in_window(r["bnds"], window)
    s = species.index(spec)
    return r["conc"][sel, s].mean(), r["contrib"][sel, s, :].mean(axis=0)


def main():
    what, runs = sys.argv[1], sys.argv[2:]
    adj = table(runs[0]) if what != "combined" else {}
    worst = 0.0
    if what == "tags":
        recs, species, tags = forward(runs[0])
        own = 0.0  # relative to the tag itself, for tags above 1e-12 J (the small inflow tags)
        for label, row in adj.items():
            if point(label.split(":")[0]):
                continue  # no receptor series: the check `point`
            J, contrib = window_mean(recs, species, label)
            worst = max(worst, abs(row["J"] - J) / abs(J))
            for m, tag in enumerate(tags):
                worst = max(worst, abs(row[tag] - contrib[m]) / abs(J))
                if abs(contrib[m]) > 1e-12 * abs(J):
                    own = max(own, abs(row[tag] - contrib[m]) / abs(contrib[m]))
        limit = 1e-10
        print(f"each tag above 1e-12 J to {own:.2e} of itself;", end=" ")
        worst = max(worst, own)
    elif what == "point":
        bnds, lon, lat, fields = history(runs[0])
        points = [label for label in adj if point(label.split(":")[0])]
        if not points:
            sys.exit(f"{runs[0]}: no point functional")
        for label in points:
            row, (rec, spec, window) = adj[label], label.split(":")
            j, i = nearest_cell(lon, lat, *point(rec))
            value = fields[spec][in_window(bnds, window), j, i].mean()
            worst = max(worst, abs(row["J"] - value) / abs(value))
            where = ""
            if len(runs) > 1:
                with netCDF4.Dataset(runs[1]) as dom:
                    inside = [n for k, n in enumerate(labels(dom, "receptor_name"))
                              if dom["receptor_weight"][k, j, i] > 0]
                if not inside:
                    sys.exit(f"{label}: cell ({i}, {j}) is in no receptor of {runs[1]}")
                where = f" (a cell of {', '.join(inside)})"
            print(f"{label}: J {row['J']:.10e}, cell ({i}, {j}){where} {value:.10e};", end=" ")
        limit = 2.0 ** -23
    elif what == "sums":
        for label, row in adj.items():
            families = {}
            for tag, v in row.items():
                if tag != "J":
                    families[tag.split(":")[0]] = families.get(tag.split(":")[0], 0.0) + v
            for fam, total in families.items():
                worst = max(worst, abs(total - row["J"]) / abs(row["J"]))
        limit = 1e-12
    elif what == "ranks":
        other = table(runs[1])
        for label, row in adj.items():
            for tag, v in row.items():
                worst = max(worst, abs(v - other[label][tag]) / abs(row["J"]))
        limit = 1e-12
    elif what == "combined":
        recs, species, tags = forward(runs[1])
        adj = {}
        with open(f"{runs[0]}/adjoint_sources.csv", encoding="utf-8-sig") as f:
            for row in csv.DictReader(f):
                src, v = row["source"], float(row["contribution_ug_m3"])
                if src == "J":
                    key = "J"
                elif src == "area" or src.startswith("stack:"):
                    key = "sector:" + row["sector"]
                elif src.startswith("initial"):
                    key = "sector:initial"
                elif src.startswith("inflow"):
                    key = "sector:bc_" + src.rsplit(":", 1)[1]
                else:
                    key = "sector:bc_top"
                d = adj.setdefault(row["functional"], {})
                d[key] = d.get(key, 0.0) + v
        for label, row in adj.items():
            if point(label.split(":")[0]):
                continue  # no receptor series (its sums: adjoint_sources.py's own check)
            J, contrib = window_mean(recs, species, label)
            worst = max(worst, abs(row["J"] - J) / abs(J))
            for m, tag in enumerate(tags):
                if tag.startswith("sector:"):
                    worst = max(worst, abs(row.get(tag, 0.0) - contrib[m]) / abs(J))
        limit = 1e-7
    elif what in ("unit", "zeroout"):
        rows = {}
        with open(glob.glob(f"{runs[0]}/*_adjoint_sources.csv")[0], encoding="utf-8") as f:
            for row in csv.DictReader(f):
                key = "J" if row["source"] == "J" else row["unit"]
                if row["source"] == "J" or row["unit"]:
                    d = rows.setdefault(row["functional"], {})
                    d[key] = d.get(key, 0.0) + float(row["contribution_ug_m3"])
        if what == "unit":
            tags = set(adj[next(iter(adj))]) if adj else set()
            first = rows[next(iter(rows))]
            free = [(v, u) for u, v in first.items() if u != "J" and f"geo:{u}" not in tags]
            print(max(free)[1])
            sys.exit(0)
        recs, species, _ = forward(runs[1])
        unit = runs[2]
        for label, row in rows.items():
            if point(label.split(":")[0]):
                continue  # no receptor series; the history's floats could not show 1e-10
            Jz, _ = window_mean(recs, species, label)
            if abs(row[unit]) < 1e-8 * abs(row["J"]):
                continue  # the unit does not reach this functional: J - Jz is round-off
            worst = max(worst, abs((row["J"] - Jz) - row[unit]) / abs(row[unit]))
            print(f"{label}: {unit} gives {row[unit]:.6e} (J - zero-out {row['J'] - Jz:.6e});", end=" ")
        limit = 1e-10
    elif what == "footprints":
        precursor = {"so4": "so2", "no3": "nox", "nh4": "nh3"}
        bad = []
        with netCDF4.Dataset(glob.glob(f"{runs[0]}/*_adjoint_footprints.nc")[0]) as ds, \
                netCDF4.Dataset(runs[1]) as dom:
            names = labels(dom, "receptor_name")
            for v in ds.variables:
                if not v.startswith("sens_"):
                    continue
                a, (rec, spec, _) = np.asarray(ds[v][0]), ds[v].functional.split(":")
                s = v.split("_", 2)[2]
                reach = spec == "pm25" and s != "ppmc" or s in (spec, precursor.get(spec))
                if a.min() < 0 or (not reach and a.max() != 0) or (reach and not a.max() > 0):
                    bad.append(v)
                if spec == "pm25" and s == "ppm25":
                    j, i = np.unravel_index(np.argmax(a[0]), a[0].shape)
                    if point(rec):
                        cell = nearest_cell(np.asarray(dom["lon"][:], float), np.asarray(dom["lat"][:], float),
                                            *point(rec))
                        if (j, i) != tuple(cell):
                            bad.append(v + " (maximum outside the point's cell)")
                    elif not dom["receptor_weight"][names.index(rec), j, i] > 0:
                        bad.append(v + " (maximum outside the receptor)")
        print(f"{len(bad)} of the footprints wrong {bad}", end=" ")
        worst, limit = float(len(bad)), 0
    else:
        sys.exit(f"adjoint_check.py: unknown check {what}")
    print(f"{worst:.2e} (limit {limit:.0e}, {len(adj)} functionals)")
    sys.exit(0 if worst <= limit else 1)


if __name__ == "__main__":
    main()
