#!/usr/bin/python3
"""Evaluation of a Bogda run against station observations: matched pairs and the field's statistics.

    /usr/bin/python3 postproc/evaluate.py RUN_DIR --domain DOMAIN_FILE --observations OBS.csv [-o OUTDIR]

RUN_DIR holds the run's gridded history <name>_<start>.nc (hourly means with time_bnds, one file per
checkpoint segment; a later segment wins where hours repeat), DOMAIN_FILE is its bogda-grid domain
file (2-D lon/lat of the cell centres, the receptor masks) and OBS.csv the observations in the
format of docs/observations.md: station_id, name, lon, lat, start_utc, end_utc, species, value,
units, source (and an optional group).

Matching. A station is matched to the model cell whose centre is nearest on the sphere (on the
model's conformal grid of near-square cells this is the cell that contains the station, up to the
map-scale change across one cell); a station outside the grid's outline (the polygon of its outer
cell corners) is refused. The surface layer is used. An observation stands for the interval
[start_utc, end_utc]; with end_utc empty, start_utc is the end of one hour (the convention of the
model's time axis: a record's time is the end of its averaging interval). The model value is the
mean of the hourly means whose intervals lie in the observation's; it is "matched" when they cover
the whole interval. An observation the run does not cover (a seasonal mean against a 5-day run,
say) is "not comparable": it is compared with the run's mean at that cell, kept apart as a
representativeness-limited comparison (different period), and its reason is written out.

Species: pm25 is the model's surface dry PM2.5 (the species counted in PM2.5, physics/species.c:
primary PM2.5 + sulfate + nitrate + ammonium); no2 is compared with the model's NOx, which is
carried in NO2 mass, so the model's value is an upper bound of its NO2; sna is sulfate + nitrate +
ammonium.

Statistics, over the N pairs (M model, O observed) of a species, comparison kind and station group:
    MB  = mean(M - O)                    ME  = mean|M - O|                      (ug m-3)
    NMB = sum(M - O) / sum(O)            NME = sum|M - O| / sum(O)              (%)
    MFB = (2/N) sum (M - O)/(M + O)      MFE = (2/N) sum |M - O|/(M + O)       (%)
    r   = Pearson's correlation of M and O, for N >= 3 only.
Benchmarks: Emery et al. (2017, J. Air Waste Manag. Assoc. 67:582-598) for PM2.5 (NMB, NME, r),
and Boylan and Russell (2006, Atmos. Environ. 40:4946-4959) for PM2.5 and its components (MFB, MFE);
SO2 and NO2 get the statistics without a benchmark (see docs/observations.md for the values and
what was checked).

OUTDIR (default RUN_DIR/evaluation) gets evaluation_pairs.csv, evaluation_stats.csv (UTF-8 with a
byte-order mark, full precision) and evaluation.json. Every input is read and checked before
anything is written; the folder is written under a temporary name and renamed when complete. A
bad input stops with one line naming the file, line, column and value, and status 1.
Needs Debian's python3-numpy and python3-netcdf4.
"""
import argparse
import csv
import datetime
import json
import math
import os
import re
import shutil
import sys
import tempfile

import numpy as np
from netCDF4 import Dataset

REQUIRED = ("station_id", "name", "lon", "lat", "start_utc", "end_utc", "species", "value", "units", "source")
# Observed species -> the model species whose surface concentrations add up to it.
MODEL_SPECIES = {"pm25": ("pm25",), "so2": ("so2",), "no2": ("nox",), "nox": ("nox",), "so4": ("so4",),
                 "no3": ("no3",), "nh4": ("nh4",), "nh3": ("nh3",), "sna": ("so4", "no3", "nh4")}
SPECIES_NOTE = {"no2": "model NOx (in NO2 mass) against observed NO2: the model's value is an upper bound of its NO2"}
UNITS = {"ug m-3", "µg m-3", "μg m-3", "ug/m3", "µg/m3", "μg/m3", "ug m^-3", "µg m⁻³"}
EARTH_RADIUS_KM = 6371.0
MIN_PAIRS_R = 3    # Pearson's r needs at least three pairs
TIME_TOLERANCE = 1.0  # s: interval ends closer than this are the same instant
EMERY = "Emery et al. (2017), J. Air Waste Manag. Assoc. 67:582-598, PM2.5 (24-h)"
BOYLAN = "Boylan and Russell (2006), Atmos. Environ. 40:4946-4959, PM and its components"
# statistic -> (goal, criterion, kind, source): kind "abs" is |value| < limit, "min" is value > limit.
PM_BENCHMARKS = {"nmb_percent": (10.0, 30.0, "abs", EMERY), "nme_percent": (35.0, 50.0, "abs", EMERY),
                 "r": (0.70, 0.40, "min", EMERY), "mfb_percent": (30.0, 60.0, "abs", BOYLAN),
                 "mfe_percent": (50.0, 75.0, "abs", BOYLAN)}
COMPONENT_BENCHMARKS = {k: v for k, v in PM_BENCHMARKS.items() if v[3] == BOYLAN}
BENCHMARKS = {"pm25": PM_BENCHMARKS, "so4": COMPONENT_BENCHMARKS, "no3": COMPONENT_BENCHMARKS,
              "nh4": COMPONENT_BENCHMARKS, "sna": COMPONENT_BENCHMARKS}
STATISTICS = (("mb_ug_m3", "ug m-3"), ("me_ug_m3", "ug m-3"), ("nmb_percent", "%"), ("nme_percent", "%"),
              ("r", "1"), ("mfb_percent", "%"), ("mfe_percent", "%"))
MATCHED, LIMITED = "matched", "representativeness-limited"
COLUMNS = {
    "evaluation_pairs": ["station_id", "name", "group", "species", "model_species", "start_utc", "end_utc",
                         "obs_ug_m3", "model_ug_m3", "comparison", "model_hours", "reason", "lon", "lat",
                         "cell_i", "cell_j", "distance_km", "source", "line"],
    "evaluation_stats": ["comparison", "species", "group", "n", "statistic", "value", "units", "goal",
                         "goal_met", "criterion", "criterion_met", "benchmark", "note"],
}


class EvaluationError(Exception):
    """A missing or bad input; main() prints it on one line and exits with status 1."""


def fail(message):
    raise EvaluationError(message)


# The statistics.

def statistics(m, o):
    """MB, ME, NMB, NME, r, MFB and MFE of model values m against observed values o (module
    docstring); NaN where undefined (r for fewer than 3 pairs, NMB and NME when sum(O) = 0, MFB and
    MFE when some M + O = 0)."""
    m, o = np.asarray(m, dtype=float), np.asarray(o, dtype=float)
    n, d = m.size, m - o
    out = {"n": n, "mb_ug_m3": float(d.mean()), "me_ug_m3": float(np.abs(d).mean())}
    total = o.sum()
    out["nmb_percent"] = float(100 * d.sum() / total) if total != 0 else math.nan
    out["nme_percent"] = float(100 * np.abs(d).sum() / total) if total != 0 else math.nan
    both = m + o
    ok = bool(np.all(both != 0))
    out["mfb_percent"] = float(100 * 2 / n * (d / both).sum()) if ok else math.nan
    out["mfe_percent"] = float(100 * 2 / n * (np.abs(d) / both).sum()) if ok else math.nan
    if n >= MIN_PAIRS_R and m.std() > 0 and o.std() > 0:
        out["r"] = float(np.corrcoef(m, o)[0, 1])
    else:
        out["r"] = math.nan
    return out


def judge(value, limit, kind):
    """'yes' or 'no' for a value against a goal or criterion, '' for no value."""
    if value is None or math.isnan(value):
        return ""
    return "yes" if (abs(value) < limit if kind == "abs" else value > limit) else "no"


def limit_text(name, limit, kind):
    return f"> {limit:g}" if kind == "min" else f"< ±{limit:g} %" if name.startswith(("nmb", "mfb")) else f"< {limit:g} %"


def stat_rows(comparison, species, group, pairs):
    """The rows of evaluation_stats for one set of pairs: one a statistic, with its benchmark."""
    s = statistics([p["model_ug_m3"] for p in pairs], [p["obs_ug_m3"] for p in pairs])
    rows = []
    for name, units in STATISTICS:
        goal, crit, kind, source = BENCHMARKS.get(species, {}).get(name, (None, None, None, ""))
        notes = []
        if name == "r" and s["n"] < MIN_PAIRS_R:
            notes.append(f"r needs at least {MIN_PAIRS_R} pairs (have {s['n']})")
        if comparison == LIMITED and goal is not None:
            notes.append("representativeness-limited: the benchmark assumes model and observation over the same period")
        if species in SPECIES_NOTE:
            notes.append(SPECIES_NOTE[species])
        if goal is None:
            notes.append("no published benchmark applied to this species and statistic")
        rows.append({"comparison": comparison, "species": species, "group": group, "n": s["n"], "statistic": name,
                     "value": s[name], "units": units,
                     "goal": limit_text(name, goal, kind) if goal is not None else "",
                     "goal_met": judge(s[name], goal, kind) if goal is not None else "",
                     "criterion": limit_text(name, crit, kind) if crit is not None else "",
                     "criterion_met": judge(s[name], crit, kind) if crit is not None else "",
                     "benchmark": source, "note": "; ".join(notes)})
    return rows


def all_stats(pairs):
    """Statistics per comparison kind and species, over all stations and per station group."""
    rows = []
    for comparison in (MATCHED, LIMITED):
        mine = [p for p in pairs if p["comparison"] == comparison]
        for species in sorted({p["species"] for p in mine}):
            sp = [p for p in mine if p["species"] == species]
            rows += stat_rows(comparison, species, "all", sp)
            groups = sorted({p["group"] for p in sp})
            if len(groups) > 1:
                for g in groups:
                    rows += stat_rows(comparison, species, g, [p for p in sp if p["group"] == g])
    return rows


# The grid: where a station is.

def corners_outline(lon, lat):
    """The outline of the grid: the outer cell corners (centres extrapolated half a cell), in order."""
    def edge(a):
        p = np.empty((a.shape[0] + 2, a.shape[1] + 2))
        p[1:-1, 1:-1] = a
        p[0, 1:-1], p[-1, 1:-1] = 2 * a[0] - a[1], 2 * a[-1] - a[-2]
        p[:, 0], p[:, -1] = 2 * p[:, 1] - p[:, 2], 2 * p[:, -2] - p[:, -3]
        return 0.25 * (p[:-1, :-1] + p[1:, :-1] + p[:-1, 1:] + p[1:, 1:])
    cx, cy = edge(lon), edge(lat)
    ring = [(cx[0, i], cy[0, i]) for i in range(cx.shape[1])] + [(cx[j, -1], cy[j, -1]) for j in range(1, cx.shape[0])]
    ring += [(cx[-1, i], cy[-1, i]) for i in range(cx.shape[1] - 2, -1, -1)]
    ring += [(cx[j, 0], cy[j, 0]) for j in range(cx.shape[0] - 2, 0, -1)]
    return np.array(ring)


def inside(ring, x, y):
    """Whether (x, y) lies inside the polygon ring (even-odd rule)."""
    xs, ys = ring[:, 0], ring[:, 1]
    xn, yn = np.roll(xs, -1), np.roll(ys, -1)
    crosses = ((ys > y) != (yn > y)) & (x < (xn - xs) * (y - ys) / np.where(yn == ys, 1, yn - ys) + xs)
    return bool(np.count_nonzero(crosses) % 2)


class Grid:
    """The model grid of a domain file: cell centres, outline, and the zone (receptor) of each cell."""

    def __init__(self, path):
        if not os.path.isfile(path):
            fail(f"{path}: no such domain file (give the run's bogda-grid domain file with --domain)")
        try:
            with Dataset(path) as d:
                for v in ("lon", "lat"):
                    if v not in d.variables:
                        fail(f"{path}: variable '{v}' is missing (a domain file of bogda-grid)")
                self.lon = np.asarray(d["lon"][:], dtype=float)
                self.lat = np.asarray(d["lat"][:], dtype=float)
                self.zones = []
                if "receptor_name" in d.variables and "receptor_weight" in d.variables:
                    var = d["receptor_name"]
                    var.set_auto_chartostring(False)
                    names = [bytes(r).decode("utf-8", "replace").rstrip("\x00").strip()
                             for r in np.ma.filled(var[:], b"")]
                    weight = np.ma.filled(d["receptor_weight"][:], 0.0)
                    self.zones = [(n, weight[k] > 0) for k, n in enumerate(names) if "." not in n]
        except (OSError, RuntimeError) as e:
            fail(f"{path}: cannot be read as NetCDF ({e})")
        self.path = path
        self.ring = corners_outline(self.lon, self.lat)

    def locate(self, lon, lat):
        """(i, j, distance in km) of the cell nearest to (lon, lat), or None outside the grid."""
        if not inside(self.ring, lon, lat):
            return None
        p1, p2 = np.radians(lat), np.radians(self.lat)
        dl = np.radians(self.lon - lon)
        h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
        dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
        j, i = np.unravel_index(np.argmin(dist), dist.shape)
        return int(i), int(j), float(dist[j, i])

    def zone(self, i, j):
        for name, mask in self.zones:
            if mask[j, i]:
                return name
        return "other"

    def extent(self):
        return (f"lon {self.lon.min():.2f} to {self.lon.max():.2f}, lat {self.lat.min():.2f} to "
                f"{self.lat.max():.2f}")


# The observations.

def parse_time(text, where):
    """Seconds since 1970 of an ISO 8601 time; without an offset it is UTC."""
    try:
        t = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        fail(f"{where}: '{text}' is not an ISO 8601 time (e.g. 2024-01-14T00:00Z)")
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return t.timestamp()


def number(text, where):
    try:
        v = float(text)
    except ValueError:
        fail(f"{where}: '{text}' is not a number")
    if not math.isfinite(v):
        fail(f"{where}: '{text}' is not a finite number")
    return v


def read_observations(path, grid):
    """The rows of an observation CSV (docs/observations.md), every one checked and placed on the grid."""
    if not os.path.isfile(path):
        fail(f"{path}: no such observation file")
    with open(path, encoding="utf-8-sig", newline="") as f:
        try:
            lines = list(csv.reader(f))
        except (csv.Error, UnicodeDecodeError) as e:
            fail(f"{path}: not a UTF-8 CSV file ({e})")
    if not lines:
        fail(f"{path}:1: empty file: the header ({', '.join(REQUIRED)}) must come first")
    header = [h.strip() for h in lines[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        fail(f"{path}:1: column(s) {', '.join(missing)} missing from the header ({', '.join(header)})")
    rows = []
    for n, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            fail(f"{path}:{n}: {len(cells)} cells, the header has {len(header)}")
        row = observation(dict(zip(header, (c.strip() for c in cells))), f"{path}:{n}", n, grid)
        if row is not None:
            rows.append(row)
    if not rows:
        fail(f"{path}: no observations after the header inside the model grid of {grid.path} ({grid.extent()})")
    return rows


def observation(raw, where, line, grid):
    """One checked observation row with its cell, interval and model species."""
    def at(column):
        return f"{where}: column {column}"
    for column in ("station_id", "species", "value", "units", "source", "lon", "lat", "start_utc"):
        if not raw[column]:
            fail(f"{at(column)}: empty")
    species = raw["species"].lower()
    if species not in MODEL_SPECIES:
        fail(f"{at('species')}: '{raw['species']}' is not one of {', '.join(MODEL_SPECIES)}")
    if raw["units"] not in UNITS:
        fail(f"{at('units')}: '{raw['units']}' is not ug m-3 (convert ppb and mg m-3 to ug m-3 first)")
    value = number(raw["value"], at("value"))
    if value < 0:
        fail(f"{at('value')}: {raw['value']} is negative")
    lon, lat = number(raw["lon"], at("lon")), number(raw["lat"], at("lat"))
    if not (-180 <= lon <= 360 and -90 <= lat <= 90):
        fail(f"{at('lon')}: {raw['lon']} (lat {raw['lat']}) is not a longitude and latitude in degrees")
    cell = grid.locate(lon, lat)
    if cell is None:  # a station of another domain (a table covers several): not compared here
        print(f"evaluate.py: warning: {at('lon')}: {raw['lon']} (lat {raw['lat']}) lies outside the model grid of "
              f"{grid.path} ({grid.extent()}): not compared", file=sys.stderr)
        return None
    start = parse_time(raw["start_utc"], at("start_utc"))
    if raw["end_utc"]:
        end = parse_time(raw["end_utc"], at("end_utc"))
        if end <= start:
            fail(f"{at('end_utc')}: {raw['end_utc']} is not after start_utc {raw['start_utc']}")
    else:
        start, end = start - 3600.0, start  # one hour ending at the given time
    i, j, dist = cell
    group = raw.get("group") or grid.zone(i, j)
    return {"station_id": raw["station_id"], "name": raw["name"], "group": group, "species": species,
            "model_species": "+".join(MODEL_SPECIES[species]), "start": start, "end": end,
            "start_utc": iso(start), "end_utc": iso(end), "obs_ug_m3": value, "lon": lon, "lat": lat,
            "cell_i": i, "cell_j": j, "distance_km": dist, "source": raw["source"], "line": line}


def iso(seconds):
    return datetime.datetime.fromtimestamp(float(seconds), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


# The model.

def history_files(run_dir):
    """The gridded history files of the one run in run_dir, in time order."""
    if not os.path.isdir(run_dir):
        fail(f"{run_dir}: no such run directory")
    pattern = re.compile(r"^(.+)_(\d{8}T\d{4}Z)\.nc$")
    found = sorted((m.group(2), m.group(1), f) for f in os.listdir(run_dir)
                   if (m := pattern.match(f)) and not m.group(1).endswith(("_receptors", "_met", "_checkpoint")))
    names = sorted({n for _, n, _ in found})
    if not names:
        fail(f"{run_dir}: no gridded history file <name>_<start>.nc")
    if len(names) > 1:
        fail(f"{run_dir}: history files of several runs ({', '.join(names)}): give one run's directory")
    return [os.path.join(run_dir, f) for _, _, f in found]


def read_model(run_dir, obs, grid):
    """Hourly surface series at the stations' cells: {'bounds': [t, 2], (species, j, i): [t]}."""
    need = {(s, o["cell_j"], o["cell_i"]) for o in obs for s in MODEL_SPECIES[o["species"]]}
    bounds, series = [], {k: [] for k in need}
    for path in history_files(run_dir):
        try:
            with Dataset(path) as d:
                if "time_bnds" not in d.variables:
                    fail(f"{path}: no time_bnds: the history holds instantaneous values (output_averaging = "
                         "'instant'); the evaluation needs hourly means (the default)")
                bounds.append(np.asarray(d["time_bnds"][:], dtype=float).reshape(-1, 2))
                for s in sorted({k[0] for k in need}):
                    if s not in d.variables:
                        fail(f"{path}: variable '{s}' is missing (surface concentration of {s})")
                    v = d[s]
                    if v.shape[-2:] != grid.lon.shape:
                        fail(f"{path}: {s} is on a {v.shape[-1]} x {v.shape[-2]} grid, {grid.path} on "
                             f"{grid.lon.shape[1]} x {grid.lon.shape[0]}: not the run's domain?")
                    field = np.ma.filled(v[:].astype(float), np.nan)
                    for key in need:
                        if key[0] == s:
                            series[key].append(field[:, key[1], key[2]])
        except (OSError, RuntimeError) as e:
            fail(f"{path}: cannot be read as NetCDF ({e})")
    b = np.concatenate(bounds)
    if b.shape[0] == 0:
        fail(f"{run_dir}: no records in the history output")
    _, first = np.unique(b[::-1, 1], return_index=True)  # a later segment wins where hours repeat
    keep = len(b) - 1 - first
    model = {"bounds": b[keep]}
    for key, parts in series.items():
        model[key] = np.concatenate(parts)[keep]
    return model


def match(obs, model):
    """Pairs of observed and model values, each matched over its interval or marked as a
    representativeness-limited comparison with the run's mean."""
    b = model["bounds"]
    run = f"{iso(b[0, 0])} to {iso(b[-1, 1])}, {len(b)} hourly means"
    pairs = []
    for o in obs:
        within = (b[:, 0] >= o["start"] - TIME_TOLERANCE) & (b[:, 1] <= o["end"] + TIME_TOLERANCE)
        covered = float((b[within, 1] - b[within, 0]).sum())
        whole = within.any() and abs(covered - (o["end"] - o["start"])) <= TIME_TOLERANCE
        sel = within if whole else np.ones(len(b), dtype=bool)
        value = sum(model[(s, o["cell_j"], o["cell_i"])][sel] for s in MODEL_SPECIES[o["species"]]).mean()
        if whole:
            reason = ""
        elif within.any():
            reason = (f"not comparable: the run covers {covered / 3600:g} h of the observation's "
                      f"{(o['end'] - o['start']) / 3600:g} h ({o['start_utc']} to {o['end_utc']}); compared "
                      f"with the run's mean ({run}): different period")
        else:
            reason = (f"not comparable: the observation's period ({o['start_utc']} to {o['end_utc']}, "
                      f"{(o['end'] - o['start']) / 3600:g} h) is not covered by the run ({run}); compared with "
                      "the run's mean: different period")
        pairs.append(dict(o, model_ug_m3=float(value), comparison=MATCHED if whole else LIMITED,
                          model_hours=int(sel.sum()), reason=reason))
    return pairs


def evaluate(run_dir, domain, observations):
    """The pairs and statistics of a run against an observation file (every input checked first)."""
    grid = Grid(domain)
    obs = read_observations(observations, grid)
    pairs = match(obs, read_model(run_dir, obs, grid))
    return pairs, all_stats(pairs)


# The output.

def csv_cell(value):
    """Numbers at full precision (the shortest text that reads back to the same double); NaN empty."""
    if isinstance(value, (float, np.floating)):
        return "" if math.isnan(value) else repr(float(value))
    return "" if value is None else str(value)


def write_table(path, columns, rows):
    """UTF-8 with a byte-order mark, so that Excel and WPS show the Chinese names."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(columns)
        for row in rows:
            out.writerow([csv_cell(row.get(c)) for c in columns])


def plain(value):
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    return int(value) if isinstance(value, np.integer) else value


def write(out, pairs, stats, args):
    write_table(os.path.join(out, "evaluation_pairs.csv"), COLUMNS["evaluation_pairs"], pairs)
    write_table(os.path.join(out, "evaluation_stats.csv"), COLUMNS["evaluation_stats"], stats)
    doc = {"run_dir": os.path.abspath(args.run_dir), "observations": os.path.abspath(args.observations),
           "pairs": [{c: plain(p.get(c)) for c in COLUMNS["evaluation_pairs"]} for p in pairs],
           "statistics": [{c: plain(s.get(c)) for c in COLUMNS["evaluation_stats"]} for s in stats]}
    with open(os.path.join(out, "evaluation.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)


def publish(final, make):
    """Make a folder with make(tmp) under a temporary name beside final, then put it in final's
    place (an earlier one there is removed after the swap); returns what make returns. Nothing is
    left behind when make fails."""
    os.makedirs(os.path.dirname(final), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(final)}.tmp-", dir=os.path.dirname(final))
    try:
        result = make(tmp)
        os.chmod(tmp, 0o755)
        old = None
        if os.path.exists(final):
            old = tempfile.mkdtemp(prefix=".old-", dir=os.path.dirname(final))
            os.rename(final, os.path.join(old, "previous"))
        os.rename(tmp, final)
        if old:
            shutil.rmtree(old, ignore_errors=True)
        return result
    finally:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", metavar="RUN_DIR", help="a run's output directory")
    parser.add_argument("--domain", required=True, metavar="DOMAIN_FILE", help="the run's domain file (bogda-grid)")
    parser.add_argument("--observations", required=True, metavar="OBS.csv", help="observations (docs/observations.md)")
    parser.add_argument("-o", "--outdir", metavar="OUTDIR", help="output folder (default RUN_DIR/evaluation)")
    args = parser.parse_args()
    final = os.path.abspath(args.outdir or os.path.join(args.run_dir, "evaluation"))
    try:
        pairs, stats = evaluate(args.run_dir, args.domain, args.observations)
        if os.path.exists(final) and not os.path.isfile(os.path.join(final, "evaluation.json")) and os.listdir(final):
            fail(f"{final}: exists and is not an earlier evaluation: give a new folder with -o")
        publish(final, lambda tmp: write(tmp, pairs, stats, args))
    except (EvaluationError, OSError) as e:
        print(f"evaluate.py: error: {e}", file=sys.stderr)
        return 1
    matched = sum(p["comparison"] == MATCHED for p in pairs)
    print(f"{len(pairs)} observations: {matched} matched, {len(pairs) - matched} representativeness-limited "
          f"(different period); tables in {final}")
    for s in stats:
        if s["group"] == "all" and s["statistic"] in ("nmb_percent", "mfb_percent"):
            print(f"  {s['comparison']} {s['species']} (n={s['n']}): {s['statistic']} = {csv_cell(s['value'])}"
                  + (f", goal {s['goal']} {s['goal_met']}, criterion {s['criterion']} {s['criterion_met']}"
                     if s["goal"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
