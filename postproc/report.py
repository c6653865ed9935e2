#!/usr/bin/python3
"""The attribution report of a Bogda run: one HTML page with maps, charts and tables (CSV, JSON).

    /usr/bin/python3 postproc/report.py RUN_DIR --domain DOMAIN_FILE [--scenarios TABLE.csv ...]
        [--strategy DIR] [--adjoint DIR] [--observations OBS.csv] [-o OUTDIR]

RUN_DIR is a run's output folder: <name>_receptors_<start>.nc (hourly hotspot-mean surface
concentrations, bulk and by tag, model/output/receptor_series.c) and <name>_<start>.nc (CF history), one pair
per checkpoint segment, concatenated in time (a later segment wins where times repeat).
DOMAIN_FILE is the bogda-grid file of the run's domain: names of the control units, prefectures
and receptors, the receptor masks and the unit cover. TABLE.csv is bogda-predict's scenario table
or compare_scenarios.py's comparison; it adds the before/after table (the rows of a backward run's
point receptor, 87.62E43.83N, go to scenarios.csv only: the run has no series there). OBS.csv holds station
observations (docs/observations.md); it adds the evaluation section (postproc/evaluate.py,
postproc/evaluation_text.py) and the tables evaluation_pairs.csv and evaluation_stats.csv.

For each hotspot the page shows the episode-mean PM2.5 and species maps with unit and prefecture
borders; the contributions of the top control units, the prefectures (and regions outside
Xinjiang), the sectors and the inflow (boundary sides, initial conditions) as bar charts with
percentages; the hourly stacked contributions; the closure (sum of tags against the bulk); and the
scenario table. Shares are episode-mean contributions over the episode-mean bulk.

OUTDIR (default RUN_DIR/report) gets index.html, the PNG figures, contributions.csv,
concentrations.csv, hourly.csv, closure.csv, scenarios.csv and report.json. It is written under a
temporary name beside OUTDIR and renamed when complete. The numbers in the CSV tables are the
strings the page shows; report.json holds them at full precision. Chinese labels in the figures
need a CJK font (Debian's fonts-noto-cjk); without one the figures are labelled in English only.
Needs Debian's python3-numpy, python3-matplotlib and python3-netcdf4.
"""
import argparse
import csv
import datetime
import html
import json
import os
import re
import shutil
import sys
import time as clock

import numpy as np
from matplotlib import font_manager, rcParams
from matplotlib.collections import LineCollection
from netCDF4 import Dataset

import evaluate
import evaluation_text
import joint_control
import plot_domain  # sets the Agg backend; the map helpers are shared

plt = plot_domain.plt
TOP_UNITS = 15      # control units shown in the chart and the page's table
TOP_REGIONS = 12    # prefectures and outside regions shown
STACK_GROUPS = 7    # prefectures and regions drawn one by one in the hourly chart
SHARE_SHOWN = 0.005  # percent: smaller unit and region shares are in the CSV only
MAP_MARGIN = 1.0    # degrees of longitude and latitude around a hotspot on its maps
BULK_FLOOR = 1e-20  # ug m-3: below it a bulk value gives no share (the closure uses the model's floor)
SCENARIO_BASE_RTOL = 1e-5  # a scenario table's base and this run's mean agree to it (6 digits)
# A backward run's point receptor (base/lonlat.h: degrees east then north, 87.62E43.83N).
POINT_RECEPTOR = re.compile(r"^(\d+\.?\d*|\.\d+)[EW](\d+\.?\d*|\.\d+)[NS]$")
DPI = 100
BEIJING = datetime.timezone(datetime.timedelta(hours=8), "UTC+8")
# GB 3095-2012 (Ambient air quality standards), grade II (residential, commercial and industrial
# areas) 24-hour limits, ug m-3. The model's NOx is counted as NO2 (its mass units), so comparing it
# with the NO2 limit overstates NO2 by the NO share. PM2.5 daily means above 150 are "heavy
# pollution" (HJ 633-2012: AQI above 200).
GB3095_DAILY = {"pm25": 75.0, "so2": 150.0, "nox": 80.0}
GB3095_ANNUAL = {"pm25": 35.0, "so2": 60.0, "nox": 40.0}
HEAVY_PM25 = 150.0
# What a spin-up should leave of the starting air at a zone (issue 14): the report says when more is left.
INITIAL_LIMIT_PERCENT = 1.0
# The tag vocabulary (family groupings, what a tag stands for, unit kinds) is not restated here: the
# receptor files carry it as CF flag_values/flag_meanings (model/tags.c), read by tag_vocabulary().
VOCABULARY = {"family_by": ("unit", "prefecture", "kind", "region", "sector", "unit_sector", "point"),
              "special": ("emissions", "initial", "inflow", "other"),
              "kind": ("xinjiang", "priority", "key", "general", "outside"),
              "sector": ("power", "industry", "residential", "transport", "agriculture")}  # names used here
SIDES = {"bc_west": ("西边界入流", "inflow, west side"), "bc_east": ("东边界入流", "inflow, east side"),
         "bc_south": ("南边界入流", "inflow, south side"), "bc_north": ("北边界入流", "inflow, north side"),
         "bc_top": ("顶部入流", "inflow, top")}
INITIAL = ("初始条件", "initial conditions")
OTHER = ("其他", "other (unassigned)")
ALL_SIDES = ("入流（各边界）", "inflow (all sides)")
SECTORS = {"power": ("电力", "power"), "industry": ("工业", "industry"), "residential": ("民用", "residential"),
           "transport": ("交通", "transport"), "agriculture": ("农业", "agriculture")}
KINDS = {"priority": ("优先保护单元", "priority protection units"), "key": ("重点管控单元", "key control units"),
         "general": ("一般管控单元", "general control units")}
SPECIES_ZH = {"so2": "二氧化硫", "so4": "硫酸盐", "nox": "氮氧化物", "no3": "硝酸盐", "nh3": "氨", "nh4": "铵盐",
              "ppm25": "一次PM2.5", "ppmc": "一次粗颗粒物", "pm25": "PM2.5"}
SECTOR_COLOURS = ["#1f78b4", "#e31a1c", "#ff7f00", "#6a3d9a", "#33a02c"]
INFLOW_COLOUR, INITIAL_COLOUR, OTHER_COLOUR = "#9ecae1", "#bdbdbd", "#f0f0f0"
XINJIANG_COLOUR, OUTSIDE_COLOUR = "#4292c6", "#807dba"
CJK_FILE_HINTS = ("cjk", "wqy", "wenquanyi", "sourcehan", "droidsansfallback", "uming", "ukai")
CJK = {"font": None}


class ReportError(Exception):
    """A missing or inconsistent input; main() prints it and exits with status 1."""


def fail(message):
    raise ReportError(message)


def warn(message):
    print(f"report.py: warning: {message}", file=sys.stderr)


def tr(zh, en):
    """A bilingual label for a figure: Chinese and English, or English only without a CJK font."""
    return f"{zh} {en}" if CJK["font"] and zh else en


def find_cjk_font():
    """Name of a font with Chinese glyphs, added to matplotlib's font list if its cache predates
    the font's installation; None (with a warning) if there is none."""
    known = [f.name for f in font_manager.fontManager.ttflist]
    for name in known:
        if "CJK SC" in name:
            return name
    for name in known:
        if any(h in name.lower().replace(" ", "") for h in CJK_FILE_HINTS):
            return name
    paths = [p for p in font_manager.findSystemFonts() if any(h in os.path.basename(p).lower() for h in CJK_FILE_HINTS)]
    paths.sort(key=lambda p: ("sans" not in p.lower(), "regular" not in p.lower(), p))
    for path in paths:
        try:
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
        except (OSError, RuntimeError, ValueError):
            continue
    warn("no font with Chinese glyphs found (install Debian's fonts-noto-cjk): the figures are labelled in English only")
    return None


def setup_fonts():
    CJK["font"] = find_cjk_font()
    if CJK["font"]:
        rcParams["font.family"] = ["DejaVu Sans", CJK["font"]]  # Latin from DejaVu, the rest falls back


# Reading the inputs.

def open_nc(path):
    try:
        return Dataset(path)
    except (OSError, RuntimeError) as e:
        fail(f"{path}: cannot be read as NetCDF ({e})")


def need(d, name, path, what):
    if name not in d.variables:
        fail(f"{path}: variable '{name}' is missing ({what})")
    return d.variables[name]


def values(d, name, path, what):
    return np.ma.filled(np.ma.asarray(need(d, name, path, what)[:]).astype(float), np.nan)


def strings(d, name, path, what):
    """A [n, strlen] character variable as a list of str (UTF-8)."""
    var = need(d, name, path, what)
    var.set_auto_chartostring(False)  # bytes, also where the file declares _Encoding
    return [bytes(row).decode("utf-8", "replace").rstrip("\x00").strip() for row in np.ma.filled(var[:], b"")]


def last_per_time(times):
    """Indices that put records in time order, keeping the last of records with equal times."""
    t = np.asarray(times)
    _, first_of_reversed = np.unique(t[::-1], return_index=True)
    return len(t) - 1 - first_of_reversed


def run_files(run_dir):
    """The run's name, its receptor files and its history files, in time order."""
    if not os.path.isdir(run_dir):
        fail(f"{run_dir}: no such run directory")
    pattern = re.compile(r"^(.+)_receptors_(\d{8}T\d{4}Z)\.nc$")
    found = sorted((m.group(2), m.group(1), f) for f in os.listdir(run_dir) if (m := pattern.match(f)))
    if not found:
        fail(f"{run_dir}: no receptor files (<name>_receptors_<start>.nc): receptors are written when the "
             "domain file has receptors (run_domain_file)")
    names = sorted({n for _, n, _ in found})
    if len(names) > 1:
        fail(f"{run_dir}: receptor files of several runs ({', '.join(names)}): give one run's directory")
    name = names[0]
    history = re.compile(rf"^{re.escape(name)}_(\d{{8}}T\d{{4}}Z)\.nc$")
    hist = sorted(f for f in os.listdir(run_dir) if history.match(f))
    if not hist:
        fail(f"{run_dir}: no history file {name}_<start>.nc beside the receptor files (the maps need it)")
    return name, [os.path.join(run_dir, f) for _, _, f in found], [os.path.join(run_dir, f) for f in hist]


TAG_META = ("family", "unit", "prefecture", "kind", "sector", "special", "family_by")


def closure_floor(d, path, what):
    """The floor of the model's closure rule (run_closure_floor), from the attribute the model writes
    with the closure variable: the report uses the rule the model used, not a copy of it."""
    var = need(d, "closure", path, what)
    if "closure_floor" not in var.ncattrs():
        fail(f"{path}: variable closure has no attribute closure_floor: written by an older bogda?")
    return float(var.getncattr("closure_floor"))


def tag_vocabulary(d, name, path, what, needed):
    """The codes of a tag metadata variable as {meaning: value}, from its CF flag_values and
    flag_meanings; every name in needed must be there."""
    var = need(d, name, path, what)
    if not {"flag_values", "flag_meanings"} <= set(var.ncattrs()):
        fail(f"{path}: variable {name} has no flag_values/flag_meanings: written by an older bogda?")
    values = [int(v) for v in np.atleast_1d(var.getncattr("flag_values"))]
    meanings = str(var.getncattr("flag_meanings")).split()
    if len(values) != len(meanings):
        fail(f"{path}: variable {name} has {len(values)} flag_values but {len(meanings)} flag_meanings")
    codes = dict(zip(meanings, values))
    missing = [m for m in needed if m not in codes]
    if missing:
        fail(f"{path}: variable {name} lacks the flag_meanings {', '.join(missing)} (has {', '.join(meanings)})")
    return codes


def read_receptors(paths):
    """Receptor series of every segment: times (s), conc[t, r, s], contrib[t, r, s, n], closure[t],
    and the header (receptors, species, tags and their metadata), checked to agree between segments."""
    parts, header = [], None
    for path in paths:
        with open_nc(path) as d:
            what = "a receptor file of bogda (model/output/receptor_series.c)"
            head = {"receptor": strings(d, "receptor_name", path, what),
                    "receptor_en": strings(d, "receptor_name_en", path, what),
                    "receptor_zh": strings(d, "receptor_name_zh", path, what),
                    "species": strings(d, "species_name", path, what),
                    "label": strings(d, "tag_label", path, "the attribution tags: was the run made with tags_enabled?")}
            meta = {k: np.asarray(values(d, "tag_" + k, path, what)).astype(int) for k in TAG_META}
            head["closure_floor"] = closure_floor(d, path, what)
            head["vocabulary"] = {k: tag_vocabulary(d, "tag_" + k, path, what, VOCABULARY[k]) for k in VOCABULARY}
            part = {"time": values(d, "time", path, what), "conc": values(d, "conc", path, what),
                    "contrib": values(d, "contribution", path, what), "closure": values(d, "closure", path, what)}
            if "time_bnds" in d.variables:  # hourly means (receptor_output_averaging = 'mean')
                part["bounds"] = np.asarray(d["time_bnds"][:], dtype=float)
        if header is None:
            header, tag_meta, first = head, meta, path
        elif head != header or any((meta[k] != tag_meta[k]).any() for k in TAG_META):
            fail(f"{path}: its receptors, species or tags differ from those of {first}: segments of different runs?")
        parts.append(part)
    if not header["label"]:
        fail(f"{paths[0]}: the run has no attribution tags (tags_enabled = .false.): nothing to attribute")
    if any(("bounds" in p) != ("bounds" in parts[0]) for p in parts):
        fail(f"{paths[0]}: some segments hold hourly means (time_bnds), others instantaneous values")
    data = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    if data["time"].size == 0:
        fail(f"{paths[0]}: no hourly records: did the run reach its first output hour?")
    keep = last_per_time(data["time"])
    data = {k: v[keep] for k, v in data.items()}
    data.update(header)
    data["meta"] = tag_meta
    if "pm25" not in header["species"]:
        fail(f"{paths[0]}: species 'pm25' missing from species_name (have {', '.join(header['species'])})")
    return data


def read_history(paths, species, shape):
    """Episode means of the surface concentration of every species over the history records,
    with their units and long names."""
    times, fields, attrs = [], {s: [] for s in species}, {}
    for path in paths:
        with open_nc(path) as d:
            what = "the CF history output of bogda (model/output/output.c)"
            times.append(values(d, "time", path, what))
            for s in species:
                v = need(d, s, path, what + f": surface concentration of {s}")
                if v.shape[-2:] != shape:
                    fail(f"{path}: {s} is on a {v.shape[-1]} x {v.shape[-2]} grid, the domain file on "
                         f"{shape[1]} x {shape[0]}: not the run's domain?")
                fields[s].append(np.ma.filled(v[:].astype(float), np.nan).reshape((-1,) + shape))
                attrs[s] = (pretty_units(getattr(v, "units", "")), getattr(v, "long_name", s))
    keep = last_per_time(np.concatenate(times))
    if keep.size == 0:
        fail(f"{paths[0]}: no records in the history output")
    mean = {s: np.nanmean(np.concatenate(fields[s])[keep], axis=0) for s in species}
    return mean, attrs, keep.size


def read_domain(path):
    if not os.path.isfile(path):
        fail(f"{path}: no such domain file (give the run's bogda-grid domain file with --domain)")
    what = "a domain file of bogda-grid"
    with open_nc(path) as d:
        dom = {k: values(d, k, path, what) for k in ("lon", "lat", "receptor_weight")}
        for k in ("unit_code", "unit_name_zh", "unit_name_en", "prefecture_name_zh", "prefecture_name_en",
                  "receptor_name"):
            dom[k] = strings(d, k, path, what)
        for k in ("unit_kind", "unit_prefecture", "unit_county", "prefecture_code", "cover_i", "cover_j",
                  "cover_unit"):
            dom[k] = np.asarray(values(d, k, path, what)).astype(int)
        if "receptor_county" in d.variables:  # bogda-grid since the per-city receptors
            dom["receptor_county"] = np.asarray(d["receptor_county"][:]).astype(int)
        dom["cover_fraction"] = values(d, "cover_fraction", path, what)
        dom["name"] = getattr(d, "domain_name", os.path.basename(path))
    dom["path"] = path
    dom["dominant"] = dominant_unit(dom)
    return dom


def dominant_unit(dom):
    """Index of the unit covering the largest share of each cell (-1 where none)."""
    ny, nx = dom["lon"].shape
    best, unit = np.full((ny, nx), -1.0), np.full((ny, nx), -1, dtype=int)
    for i, j, u, f in zip(dom["cover_i"], dom["cover_j"], dom["cover_unit"], dom["cover_fraction"]):
        if f > best[j, i]:
            best[j, i], unit[j, i] = f, u
    return unit


def read_scenarios(paths, rec):
    """Rows of bogda-predict's table or compare_scenarios.py's comparison, with this run's episode
    mean beside each base value. A point receptor's rows (bogda-predict -adjoint from a point
    functional) are kept without that check, the run having no series there."""
    rows = []
    mean = rec["conc"].mean(axis=0)
    for path in paths:
        if not os.path.isfile(path):
            fail(f"{path}: no such scenario table")
        with open(path, encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = [c for c in ("scenario", "receptor", "species", "base", "predicted") if c not in (reader.fieldnames or [])]
            if missing:
                fail(f"{path}: column(s) {', '.join(missing)} missing: expected bogda-predict's CSV or compare_scenarios.py's")
            mismatched = 0
            body = list(enumerate(reader, start=2))
            # bogda-predict -adjoint with adjoint_daily: a row a functional, the days' beside the
            # period's (column window, H0-H1h): the report's table is the period's, the widest.
            widest = {}
            for _, row in body:
                span = window_hours(row.get("window"))
                key = (row["scenario"], row["receptor"], row["species"])
                widest[key] = max(widest.get(key, -1.0), span)
            days = 0
            for line, row in body:
                if window_hours(row.get("window")) < widest[(row["scenario"], row["receptor"], row["species"])]:
                    days += 1
                    continue
                def number(key, blank_ok=False):
                    text = (row.get(key) or "").strip()
                    if blank_ok and not text:
                        return None
                    try:
                        return float(text)
                    except ValueError:
                        fail(f"{path}:{line}: {key} = '{text}': expected a number")
                before, after = number("base"), number("predicted")
                sim = number("simulated", True)
                # bogda-predict -bounded: the tags lump units the scenario treats differently, and
                # the response lies between the bounds (equal to predicted where it is exact).
                low, high = number("predicted_low", True), number("predicted_high", True)
                point = POINT_RECEPTOR.match(row["receptor"]) and row["receptor"] not in rec["receptor"]
                if (row["receptor"] not in rec["receptor"] and not point) or row["species"] not in rec["species"]:
                    fail(f"{path}:{line}: receptor '{row['receptor']}' or species '{row['species']}' is not in this run "
                         f"(receptors {', '.join(rec['receptor'])}, or a point such as 87.62E43.83N)")
                if point:
                    matches = None
                else:
                    run_mean = mean[rec["receptor"].index(row["receptor"]), rec["species"].index(row["species"])]
                    matches = abs(before - run_mean) <= SCENARIO_BASE_RTOL * max(abs(run_mean), BULK_FLOOR)
                    mismatched += not matches
                rows.append({"table": os.path.basename(path), "scenario": row["scenario"], "receptor": row["receptor"],
                             "species": row["species"], "before_ug_m3": before, "after_ug_m3": after,
                             "after_low_ug_m3": low, "after_high_ug_m3": high,
                             "change_ug_m3": after - before,
                             "change_percent": 100 * (after - before) / before if before else float("nan"),
                             "simulated_ug_m3": sim, "prediction_error": number("prediction_error", True),
                             "base_is_this_run": "n/a" if matches is None else "yes" if matches else "no"})
            if mismatched:
                warn(f"{path}: {mismatched} base value(s) differ from this run's episode means: a table of another run?")
            if days:
                print(f"report.py: {path}: {days} row(s) of shorter windows (each Beijing day's) left to the table",
                      file=sys.stderr)
    return rows


def window_hours(text):
    """The span of a bogda-predict window ('run', blank, or H0-H1h), h; 'run' and blank: infinite."""
    m = re.fullmatch(r"([0-9.]+)-([0-9.]+)h", (text or "").strip())
    return float(m.group(2)) - float(m.group(1)) if m else float("inf")


def read_log_closure(run_dir, name):
    """The largest closure deviation in the model's progress lines, if its log is there."""
    path = os.path.join(run_dir, f"{name}.log")
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as f:
        found = [float(m.group(1)) for m in re.finditer(r"closure ([0-9.]+e[+-]?[0-9]+)", f.read())]
    return max(found) if found else None


# Grouping the tags.

class Tags:
    """The tags of a run with what each one is: family, unit, prefecture, sector, inflow side."""

    def __init__(self, rec, dom, sites):
        self.label, self.meta, self.dom = rec["label"], rec["meta"], dom
        vocabulary = rec["vocabulary"]
        self.by = {v: k for k, v in vocabulary["family_by"].items()}  # family_by code -> name
        self.sector_by = vocabulary["family_by"]["sector"]
        self.special = vocabulary["special"]  # name -> code
        self.kind = vocabulary["kind"]  # name -> code
        self.kind_name = {v: k for k, v in self.kind.items()}
        self.sector_name = {v: k for k, v in vocabulary["sector"].items()}
        self.sites = {row["id"]: (row["name_zh"], row["name_en"]) for row in sites}
        nunit, npref = len(dom["unit_code"]), len(dom["prefecture_name_en"])
        if self.meta["unit"].max() >= nunit or self.meta["prefecture"].max() >= npref:
            fail(f"{dom['path']}: the run's tags refer to unit or prefecture numbers the domain file does not have: "
                 "not the run's domain file?")
        families = {}
        for n, label in enumerate(self.label):
            fam = self.meta["family"][n]
            families.setdefault(fam, (label.split(":")[0], self.by[self.meta["family_by"][n]], []))[2].append(n)
        self.families = [families[f] for f in sorted(families)]

    def family(self, *bys):
        """The first family grouped by one of bys, as (name, by, tag indices), or None."""
        for by in bys:
            for fam in self.families:
                if fam[1] == by:
                    return fam
        return None

    def spatial(self):
        return self.family("unit", "unit_sector", "prefecture", "kind", "region", "point") or self.families[0]

    def suffix(self, n):
        return self.label[n].split(":", 1)[1]

    def unit(self, n):
        return self.meta["unit"][n] if self.meta["special"][n] == self.special["emissions"] else -1

    def is_outside(self, n):
        u = self.unit(n)
        return u >= 0 and self.dom["unit_kind"][u] == self.kind["outside"]

    def prefecture(self, n):
        """Prefecture index of an emission tag (its unit's or its own), -1 if none."""
        u = self.unit(n)
        if u >= 0:
            return -1 if self.is_outside(n) else self.dom["unit_prefecture"][u]
        return self.meta["prefecture"][n] if self.meta["special"][n] == self.special["emissions"] else -1

    def non_emission(self, n):
        """(key, zh, en) of an initial, inflow or other tag; None for an emission tag."""
        special, suffix = self.meta["special"][n], self.suffix(n)
        if special == self.special["initial"]:
            return ("initial",) + INITIAL
        if special == self.special["inflow"]:
            return (suffix,) + SIDES.get(suffix, ("入流", suffix))
        if special == self.special["other"]:
            return ("other",) + OTHER
        return None

    def unit_name(self, u):
        return self.dom["unit_code"][u], self.dom["unit_name_zh"][u], self.dom["unit_name_en"][u]

    def pref_name(self, q):
        return self.dom["prefecture_name_zh"][q], self.dom["prefecture_name_en"][q]

    def name(self, n, family_tags):
        """(key, zh, en) of one tag."""
        other = self.non_emission(n)
        if other:
            return other
        suffix, meta = self.suffix(n), self.meta
        if self.unit(n) >= 0:
            code, zh, en = self.unit_name(self.unit(n))
            if "|" in suffix:
                zh_s, en_s = SECTORS.get(suffix.split("|")[1], ("", suffix.split("|")[1]))
                zh, en = f"{zh} {zh_s}", f"{en}, {en_s}"
            return suffix, (f"区外 {zh}" if self.is_outside(n) else zh), (f"outside: {en}" if self.is_outside(n) else en)
        q = meta["prefecture"][n]
        if q >= 0:
            zh, en = self.pref_name(q)
            if any(self.unit(m) >= 0 and self.prefecture(m) == q for m in family_tags):
                return suffix, f"{zh}（经边界流入）", f"{en} (through the boundary)"
            return suffix, zh, en
        if self.kind_name.get(meta["kind"][n]) in KINDS:
            return (suffix,) + KINDS[self.kind_name[meta["kind"][n]]]
        if meta["kind"][n] == self.kind["xinjiang"]:
            return suffix, "新疆", "Xinjiang"
        if meta["family_by"][n] == self.sector_by and meta["sector"][n] >= 0:
            return (suffix,) + SECTORS.get(suffix, ("", suffix))
        if suffix.startswith("pt:"):
            return (suffix,) + self.sites.get(suffix[3:], ("", suffix[3:]))
        return suffix, "", suffix

    def groups(self, table):
        """The groups of one table as a list of (key, zh, en, kind, tag indices), None if the run's
        families cannot make it; kind colours the charts (a unit kind, or 'xinjiang', 'outside',
        'sector', 'inflow', 'initial', 'other')."""
        if table.startswith("family:"):
            return self.family_groups(table.split(":", 1)[1])
        return {"unit": self.unit_groups, "prefecture": self.prefecture_groups, "sector": self.sector_groups,
                "inflow": self.inflow_groups}[table]()

    def unit_groups(self):
        fam = self.family("unit", "unit_sector")
        if not fam:
            return None
        by_unit = {}
        for n in fam[2]:
            if self.unit(n) >= 0 and not self.is_outside(n):
                by_unit.setdefault(self.unit(n), []).append(n)
        return [self.unit_name(u) + (int(self.dom["unit_kind"][u]), tags) for u, tags in sorted(by_unit.items())]

    def prefecture_groups(self):
        """Prefectures (their units' tags and their own, including the air of a prefecture that a
        nested run's parent brings in through the boundary) and the regions outside Xinjiang."""
        fam = self.family("unit", "unit_sector", "prefecture")
        if not fam:
            return None
        by_pref, outside = {}, {}
        for n in fam[2]:
            if self.is_outside(n):
                outside.setdefault(self.unit(n), []).append(n)
            elif self.prefecture(n) >= 0:
                by_pref.setdefault(self.prefecture(n), []).append(n)
        out = [(str(self.dom["prefecture_code"][q]),) + self.pref_name(q) + ("xinjiang", t) for q, t in sorted(by_pref.items())]
        for u, t in sorted(outside.items()):
            code, zh, en = self.unit_name(u)
            out.append((code, f"区外 {zh}", f"outside: {en}", "outside", t))
        return out

    def sector_groups(self):
        """The five sectors, then the inflow of all sides, the initial conditions and the rest."""
        fam = self.family("sector", "unit_sector")
        if not fam:
            return None
        by_sector, rest = {}, {}
        for n in fam[2]:
            other = self.non_emission(n)
            if other:
                rest.setdefault("inflow" if self.meta["special"][n] == self.special["inflow"] else other[0], []).append(n)
            elif self.meta["sector"][n] >= 0:
                by_sector.setdefault(self.meta["sector"][n], []).append(n)
        names = [self.sector_name[s] for s in sorted(by_sector)]
        out = [(name,) + SECTORS.get(name, ("", name)) + ("sector", by_sector[s]) for name, s in zip(names, sorted(by_sector))]
        labels = {"inflow": ALL_SIDES, "initial": INITIAL, "other": OTHER}
        return out + [(k,) + labels[k] + (k, rest[k]) for k in labels if k in rest]

    def inflow_groups(self):
        fam = self.spatial()
        return [self.non_emission(n) + (self.colour_kind(n), [n]) for n in fam[2] if self.non_emission(n)]

    def family_groups(self, name):
        fam = next(f for f in self.families if f[0] == name)
        return [self.name(n, fam[2]) + (self.colour_kind(n), [n]) for n in fam[2]]

    def colour_kind(self, n):
        special = self.meta["special"][n]
        if special != self.special["emissions"]:
            return {self.special["initial"]: "initial", self.special["inflow"]: "inflow"}.get(special, "other")
        if self.is_outside(n):
            return "outside"
        if self.unit(n) >= 0:
            return int(self.dom["unit_kind"][self.unit(n)])
        return "sector" if self.meta["family_by"][n] == self.sector_by else "xinjiang"


# The tables.

FORMATS = {"mean_ug_m3": "{:.4g}", "share_percent": "{:.2f}", "max_ug_m3": "{:.4g}", "min_ug_m3": "{:.4g}",
           "value_ug_m3": "{:.4g}", "bulk_ug_m3": "{:.4g}", "largest_relative_deviation": "{:.2e}",
           "before_ug_m3": "{:.4g}", "after_ug_m3": "{:.4g}", "after_low_ug_m3": "{:.4g}", "after_high_ug_m3": "{:.4g}",
           "change_ug_m3": "{:.4g}", "change_percent": "{:.2f}",
           "simulated_ug_m3": "{:.4g}", "prediction_error": "{:.2e}", "limit_ug_m3": "{:g}",
           "obs_ug_m3": "{:.4g}", "model_ug_m3": "{:.4g}", "value": "{:.4g}"}
COLUMNS = {
    "contributions": ["receptor", "species", "table", "rank", "key", "name_zh", "name_en", "mean_ug_m3", "share_percent"],
    "concentrations": ["receptor", "species", "name_zh", "name_en", "units", "mean_ug_m3", "min_ug_m3", "max_ug_m3"],
    "hourly": ["time", "time_beijing", "receptor", "species", "group", "name_zh", "name_en", "value_ug_m3"],
    "daily": ["receptor", "day_beijing", "species", "mean_ug_m3", "limit_ug_m3", "grade"],
    "heavy_days": ["receptor", "days", "table", "rank", "key", "name_zh", "name_en", "mean_ug_m3", "share_percent"],
    "closure": ["receptor", "family", "largest_relative_deviation", "time", "species"],
    "scenarios": ["table", "scenario", "receptor", "species", "before_ug_m3", "after_ug_m3", "after_low_ug_m3",
                  "after_high_ug_m3", "change_ug_m3", "change_percent", "simulated_ug_m3", "prediction_error",
                  "base_is_this_run"],
    **joint_control.COLUMNS,
    **evaluate.COLUMNS,
}


def cell(column, value):
    """The text of a table cell on the page (the CSV files hold the full value)."""
    if value is None:
        return ""
    if column in FORMATS:
        return "" if isinstance(value, float) and np.isnan(value) else FORMATS[column].format(value)
    return str(value)


def pretty_units(units):
    return units.replace("ug m-3", "µg m⁻³").replace("kg m-2", "kg m⁻²")


def iso(seconds):
    return datetime.datetime.fromtimestamp(float(seconds), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


def bjt(seconds):
    """Beijing time (UTC+8) of a time in seconds since 1970."""
    return datetime.datetime.fromtimestamp(float(seconds), BEIJING).strftime("%Y-%m-%d %H:%M")


def record_interval(rec):
    """Length of a record's interval, s: the receptor files' time_bnds, else the spacing of the records."""
    if rec.get("bounds") is not None:
        return float(np.median(rec["bounds"][:, 1] - rec["bounds"][:, 0]))
    return float(np.median(np.diff(rec["time"]))) if len(rec["time"]) > 1 else 3600.0


def beijing_days(rec):
    """{date: record indices} of the whole Beijing days the records cover: a record stands for the
    interval that ends at its time, and a day is whole when its records cover its 24 hours."""
    step = record_interval(rec)
    days = {}
    for k, t in enumerate(rec["time"]):
        day = datetime.datetime.fromtimestamp(float(t) - 0.5 * step, BEIJING).date()
        days.setdefault(day, []).append(k)
    need = int(round(86400 / step))
    return {d: idx for d, idx in sorted(days.items()) if len(idx) == need}


def daily_rows(rec):
    """Daily means on Beijing days of PM2.5, SO2 and NOx at every receptor, against GB 3095-2012."""
    rows = []
    days = beijing_days(rec)
    for r, receptor in enumerate(rec["receptor"]):
        for species, limit in GB3095_DAILY.items():
            if species not in rec["species"]:
                continue
            s = rec["species"].index(species)
            for day, idx in days.items():
                v = float(rec["conc"][idx, r, s].mean())
                grade = ("heavy" if species == "pm25" and v > HEAVY_PM25 else "exceeds" if v > limit else "within")
                rows.append({"receptor": receptor, "day_beijing": day.isoformat(), "species": species,
                             "mean_ug_m3": v, "limit_ug_m3": limit, "grade": grade, "_idx": idx})
    return rows


def heavy_rows(rec, tags, daily):
    """Contributions to PM2.5 over the days whose PM2.5 exceeds the grade II limit (75 ug m-3), at
    each receptor, in the spatial family and the sector family."""
    rows = []
    for r, receptor in enumerate(rec["receptor"]):
        bad = [x for x in daily if x["receptor"] == receptor and x["species"] == "pm25" and x["grade"] != "within"]
        if not bad:
            continue
        idx = sorted(k for x in bad for k in x["_idx"])
        sub = dict(rec, conc=rec["conc"][idx], contrib=rec["contrib"][idx])
        for x in contributions(sub, tags):
            if x["receptor"] == receptor and x["species"] == "pm25" and x["table"] in (f"family:{tags.spatial()[0]}", "sector"):
                rows.append(dict(x, days=len(bad)))
    return rows


def table_names(tags):
    return ["unit", "prefecture", "sector", "inflow"] + [f"family:{f[0]}" for f in tags.families]


def contributions(rec, tags):
    """Rows of every table for every receptor and species, largest contribution first; each row
    keeps its tags (_tags) and colour kind (_kind) for the charts."""
    bulk = rec["conc"].mean(axis=0)
    tag_mean = rec["contrib"].mean(axis=0)
    rows = []
    for table in table_names(tags):
        groups = tags.groups(table)
        if not groups:
            continue
        for r, receptor in enumerate(rec["receptor"]):
            for s, species in enumerate(rec["species"]):
                ranked = sorted(((tag_mean[r, s, g[4]].sum(), g) for g in groups), key=lambda x: -x[0])
                for rank, (v, g) in enumerate(ranked, start=1):
                    share = 100 * v / bulk[r, s] if abs(bulk[r, s]) > BULK_FLOOR else float("nan")
                    rows.append({"receptor": receptor, "species": species, "table": table, "rank": rank, "key": g[0],
                                 "name_zh": g[1], "name_en": g[2], "mean_ug_m3": v, "share_percent": share,
                                 "_kind": g[3], "_tags": g[4]})
    return rows


def concentration_rows(rec, attrs):
    rows = []
    for r, receptor in enumerate(rec["receptor"]):
        for s, species in enumerate(rec["species"]):
            series = rec["conc"][:, r, s]
            rows.append({"receptor": receptor, "species": species, "name_zh": SPECIES_ZH.get(species, ""),
                         "name_en": attrs[species][1].replace("surface mass concentration of ", ""),
                         "units": attrs[species][0], "mean_ug_m3": series.mean(), "min_ug_m3": series.min(),
                         "max_ug_m3": series.max()})
    return rows


def closure_rows(rec, tags):
    """Largest relative deviation of each family's sum of tags from the bulk at each receptor, by the
    model's rule (model/tags.c, tags_closure_deviation) with the floor the receptor files give."""
    rows = []
    conc = rec["conc"]
    for r, receptor in enumerate(rec["receptor"]):
        for name, _, idx in tags.families:
            total = rec["contrib"][:, r][..., idx].sum(axis=-1)
            bulk = conc[:, r]
            dev = np.abs(total - bulk) / (np.abs(bulk) + rec["closure_floor"])  # tags_closure_deviation()
            t, s = np.unravel_index(np.argmax(dev), dev.shape)
            rows.append({"receptor": receptor, "family": name, "largest_relative_deviation": dev[t, s],
                         "time": iso(rec["time"][t]), "species": rec["species"][s]})
    return rows


def stack_groups(rows, receptor):
    """The groups of the hourly chart of one receptor: the largest prefectures and regions, the
    rest of them together, then the inflow, the initial conditions and the other tag."""
    region = [x for x in rows if x["receptor"] == receptor and x["species"] == "pm25" and x["table"] == "prefecture"]
    inflow = [x for x in rows if x["receptor"] == receptor and x["species"] == "pm25" and x["table"] == "inflow"]
    if not region:
        fam = next(x["table"] for x in rows if x["table"].startswith("family:"))
        region = [x for x in rows if x["receptor"] == receptor and x["species"] == "pm25" and x["table"] == fam
                  and x["_kind"] not in ("inflow", "initial", "other")]
    out = [(x["key"], x["name_zh"], x["name_en"], x["_tags"]) for x in region[:STACK_GROUPS]]
    rest = [n for x in region[STACK_GROUPS:] for n in x["_tags"]]
    if rest:
        out.append(("rest", "其余地区", "all other regions", rest))
    sides = [n for x in inflow if x["_kind"] == "inflow" for n in x["_tags"]]
    if sides:
        out.append(("inflow",) + ALL_SIDES + (sides,))
    for kind, (zh, en) in (("initial", INITIAL), ("other", OTHER)):
        idx = [n for x in inflow if x["_kind"] == kind for n in x["_tags"]]
        if idx:
            out.append((kind, zh, en, idx))
    return out


def hourly_rows(rec, rows):
    out, stacks = [], {}
    s = rec["species"].index("pm25")
    for r, receptor in enumerate(rec["receptor"]):
        stacks[receptor] = stack_groups(rows, receptor)
        for t, seconds in enumerate(rec["time"]):
            out.append({"time": iso(seconds), "time_beijing": bjt(seconds), "receptor": receptor, "species": "pm25",
                        "group": "bulk",
                        "name_zh": "总浓度", "name_en": "bulk", "value_ug_m3": rec["conc"][t, r, s]})
            for key, zh, en, idx in stacks[receptor]:
                out.append({"time": iso(seconds), "time_beijing": bjt(seconds), "receptor": receptor,
                            "species": "pm25", "group": key,
                            "name_zh": zh, "name_en": en, "value_ug_m3": rec["contrib"][t, r, s, idx].sum()})
    return out, stacks


def write_csv(path, name, rows):
    """UTF-8 with a byte-order mark and numbers at full precision (evaluate.write_table)."""
    evaluate.write_table(path, COLUMNS[name], rows)


def jsonable(value):
    if isinstance(value, (np.floating, float)):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


# The figures.

def outline(ax, dom, r, colour, lw=1.6):
    ax.contour(dom["lon"], dom["lat"], (dom["receptor_weight"][r] > 0).astype(float), levels=[0.5], colors=colour,
               linewidths=lw)


def unit_borders(ax, dom, cx, cy):
    """Cell edges between cells whose dominant units differ."""
    u = dom["dominant"]
    segments = []
    for j, i in zip(*np.nonzero(u[:, 1:] != u[:, :-1])):
        segments.append([(cx[j, i + 1], cy[j, i + 1]), (cx[j + 1, i + 1], cy[j + 1, i + 1])])
    for j, i in zip(*np.nonzero(u[1:, :] != u[:-1, :])):
        segments.append([(cx[j + 1, i], cy[j + 1, i]), (cx[j + 1, i + 1], cy[j + 1, i + 1])])
    ax.add_collection(LineCollection(segments, colors="#555555", linewidths=0.35, alpha=0.6))


def window(dom, r):
    """Longitude and latitude limits around receptor r."""
    inside = dom["receptor_weight"][r] > 0
    lon, lat = dom["lon"][inside], dom["lat"][inside]
    return (max(lon.min() - MAP_MARGIN, dom["lon"].min()), min(lon.max() + MAP_MARGIN, dom["lon"].max()),
            max(lat.min() - MAP_MARGIN, dom["lat"].min()), min(lat.max() + MAP_MARGIN, dom["lat"].max()))


def draw_field(ax, field, dom, geo, limits, title, units, r=None, colour="m"):
    cx, cy = plot_domain.corners(dom["lon"]), plot_domain.corners(dom["lat"])
    x0, x1, y0, y1 = limits
    seen = field[(dom["lon"] >= x0) & (dom["lon"] <= x1) & (dom["lat"] >= y0) & (dom["lat"] <= y1)]
    mesh = ax.pcolormesh(cx, cy, field, cmap="YlOrRd", shading="flat", vmin=np.nanmin(seen), vmax=np.nanmax(seen))
    plt.colorbar(mesh, ax=ax, shrink=0.8, label=units)
    unit_borders(ax, dom, cx, cy)
    plot_domain.borders(ax, geo["prefectures"], geo["outline"])
    receptors = range(len(dom["receptor_name"])) if r is None else [r]
    for q in receptors:
        outline(ax, dom, q, plot_domain.HOTSPOT_COLOURS.get(dom["receptor_name"][q], colour))
    for row in geo["sites"]:
        x, y = float(row["lon_wgs84"]), float(row["lat_wgs84"])
        if row["kind"] == "city" and x0 <= x <= x1 and y0 <= y <= y1:
            ax.plot(x, y, "o", ms=3, mfc="white", mec="k", mew=0.5)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(1 / np.cos(np.radians(0.5 * (y0 + y1))))
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)


def save(fig, path):
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return os.path.basename(path)


def map_figures(out, dom, geo, maps, attrs, rec, r, period):
    receptor = rec["receptor"][r]
    limits = window(dom, r)
    fig, ax = plt.subplots(figsize=(8, 6))
    draw_field(ax, maps["pm25"], dom, geo, limits,
               tr(f"{rec['receptor_zh'][r]} 时段平均 PM2.5", f"{rec['receptor_en'][r]}: episode-mean PM2.5") + f"\n{period}",
               tr("浓度", "concentration") + f" ({attrs['pm25'][0]})", r)
    ax.set_xlabel(tr("经度", "longitude (°E)"))
    ax.set_ylabel(tr("纬度", "latitude (°N)"))
    pm = save(fig, os.path.join(out, f"map_{receptor}_pm25.png"))
    others = [s for s in rec["species"] if s != "pm25"]
    ncol = 4
    nrow = (len(others) + ncol - 1) // ncol
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol, 3.4 * nrow), squeeze=False)
    for ax, s in zip(axes.flat, others):
        draw_field(ax, maps[s], dom, geo, limits, tr(SPECIES_ZH.get(s, ""), s), attrs[s][0], r)
    for ax in axes.flat[len(others):]:
        ax.set_visible(False)
    fig.suptitle(tr(f"{rec['receptor_zh'][r]} 各物种时段平均浓度", f"{rec['receptor_en'][r]}: episode-mean species")
                 + f", {period}", fontsize=11)
    return pm, save(fig, os.path.join(out, f"map_{receptor}_species.png"))


def overview_map(out, dom, geo, maps, attrs, period):
    fig, ax = plt.subplots(figsize=(10, 7))
    limits = (dom["lon"].min(), dom["lon"].max(), dom["lat"].min(), dom["lat"].max())
    draw_field(ax, maps["pm25"], dom, geo, limits, tr("时段平均 PM2.5", f"{dom['name']}: episode-mean PM2.5") + f", {period}",
               tr("浓度", "concentration") + f" ({attrs['pm25'][0]})")
    for r, code in enumerate(dom["receptor_name"]):
        w = dom["receptor_weight"][r]
        j, i = np.unravel_index(np.argmax(w), w.shape)
        ax.annotate(code, (dom["lon"][j, i], dom["lat"][j, i]), xytext=(6, 8), textcoords="offset points",
                    color=plot_domain.HOTSPOT_COLOURS.get(code, "m"), fontweight="bold", fontsize=9)
    return save(fig, os.path.join(out, "map_pm25.png"))


def colour(key, kind, k):
    """The colour of a group in the charts: by unit kind, sector, inflow, ...; else the k-th of tab10."""
    if isinstance(kind, int):
        return plot_domain.KIND_COLOURS[kind]
    if kind == "sector" and key in SECTORS:
        return SECTOR_COLOURS[list(SECTORS).index(key)]
    fixed = {"inflow": INFLOW_COLOUR, "initial": INITIAL_COLOUR, "other": OTHER_COLOUR, "xinjiang": XINJIANG_COLOUR,
             "outside": OUTSIDE_COLOUR}
    return fixed.get(kind) or fixed.get(key) or plt.get_cmap("tab10")(k % 10)


def bar_chart(path, rows, title):
    fig, ax = plt.subplots(figsize=(8, 0.9 + 0.32 * len(rows)))
    y = np.arange(len(rows))[::-1]
    colours = [colour(x["key"], x["_kind"], k) for k, x in enumerate(rows)]
    ax.barh(y, [x["mean_ug_m3"] for x in rows], color=colours, edgecolor="k", linewidth=0.4)
    ax.set_yticks(y, [tr(x["name_zh"], x["name_en"]) for x in rows], fontsize=8)
    top = max([x["mean_ug_m3"] for x in rows] + [1e-30])
    for yy, x in zip(y, rows):
        ax.text(x["mean_ug_m3"] + 0.01 * top, yy, f"{cell('share_percent', x['share_percent'])}%", va="center", fontsize=8)
    ax.set_xlim(0, 1.18 * top)
    ax.set_xlabel(tr("贡献", "contribution") + " (µg m⁻³)")
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    return save(fig, path)


def hourly_chart(path, rec, r, stacks, sector_groups, title):
    s = rec["species"].index("pm25")
    times = [datetime.datetime.fromtimestamp(float(t), BEIJING).replace(tzinfo=None) for t in rec["time"]]
    panels = [("regions", stacks)] + ([("sectors", sector_groups)] if sector_groups else [])
    fig, axes = plt.subplots(len(panels), 1, figsize=(10, 3.6 * len(panels)), squeeze=False, sharex=True)
    for ax, (what, groups) in zip(axes[:, 0], panels):
        series = [rec["contrib"][:, r, s, g[-1]].sum(axis=-1) for g in groups]
        colours = [colour(g[0], "sector" if what == "sectors" else "", k) for k, g in enumerate(groups)]
        ax.stackplot(times, series, labels=[tr(g[1], g[2]) for g in groups], colors=colours, edgecolor="k", linewidth=0.2)
        ax.plot(times, rec["conc"][:, r, s], "k--", lw=1.2, label=tr("总浓度", "bulk (model)"))
        ax.set_ylabel("PM2.5 (µg m⁻³)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7)
        ax.set_title(tr("按地区" if what == "regions" else "按行业", "by region" if what == "regions" else "by sector"), fontsize=9)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel(tr("北京时间（UTC+8），各小时平均的结束时刻", "Beijing time (UTC+8), end of each hourly mean"))
    fig.autofmt_xdate()
    fig.suptitle(title, fontsize=11)
    return save(fig, path)


def charts(out, rec, rows, stacks, r):
    """The bar charts and the hourly chart of receptor r; {table: file}."""
    receptor = rec["receptor"][r]
    zh, en = rec["receptor_zh"][r], rec["receptor_en"][r]
    files = {}
    titles = {"unit": (f"{zh} 前{TOP_UNITS}个控制单元的 PM2.5 贡献", f"{en}: PM2.5 from the top {TOP_UNITS} control units"),
              "prefecture": (f"{zh} 各地州市及区外的 PM2.5 贡献", f"{en}: PM2.5 by prefecture and outside region"),
              "sector": (f"{zh} 各行业的 PM2.5 贡献", f"{en}: PM2.5 by sector"),
              "inflow": (f"{zh} 入流与初始条件的 PM2.5 贡献", f"{en}: PM2.5 from inflow and initial conditions")}
    for table, (tzh, ten) in titles.items():
        shown = page_rows(rows, receptor, table)
        if shown:
            files[table] = bar_chart(os.path.join(out, f"{table}_{receptor}.png"), shown, tr(tzh, ten))
    sector = [(x["key"], x["name_zh"], x["name_en"], x["_tags"]) for x in page_rows(rows, receptor, "sector")]
    files["hourly"] = hourly_chart(os.path.join(out, f"hourly_{receptor}.png"), rec, r, stacks[receptor], sector,
                                   tr(f"{zh} 逐时 PM2.5 贡献", f"{en}: hourly PM2.5 contributions"))
    return files


def page_rows(rows, receptor, table):
    """The PM2.5 rows of a table that the page shows (and charts)."""
    limit = {"unit": TOP_UNITS, "prefecture": TOP_REGIONS}.get(table)
    shown = [x for x in rows if x["receptor"] == receptor and x["species"] == "pm25" and x["table"] == table]
    if limit:  # groups whose share rounds to zero are left to the CSV
        shown = [x for x in shown if x["mean_ug_m3"] > 0 and not x["share_percent"] < SHARE_SHOWN][:limit]
    return shown


# The page.

def esc(text):
    return html.escape(str(text), quote=True)


def bi(zh, en):
    """A bilingual heading or label on the page."""
    return f"{esc(zh)} {esc(en)}" if zh else esc(en)


class Cells:
    """Cells of the CSV tables on the page: each is marked with its file, row and column, so that
    a test can hold the page against the files."""

    def __init__(self, tables):
        self.where = {id(row): (f"{name}.csv", k) for name, rows in tables.items() for k, row in enumerate(rows)}

    def ref(self, row, column, tag="span"):
        name, k = self.where[id(row)]
        numeric = ' class="n"' if column in FORMATS or column == "rank" else ""
        return (f'<{tag} data-csv="{name}" data-row="{k}" data-col="{column}"{numeric}>'
                f"{esc(cell(column, row.get(column)))}</{tag}>")

    def table(self, columns, rows, headers=None):
        head = "".join(f"<th>{(headers or {}).get(c, HEADERS[c])}</th>" for c in columns)
        body = ["<tr>" + "".join(self.ref(row, c, "td") for c in columns) + "</tr>" for row in rows]
        return "\n".join([f"<table><tr>{head}</tr>"] + body + ["</table>"])


HEADERS = {"rank": "名次 Rank", "key": "代码 Key", "name_zh": "名称", "name_en": "Name", "species": "物种 Species",
           "mean_ug_m3": "贡献 Contribution (µg m⁻³)", "share_percent": "占比 Share (%)", "units": "单位 Units",
           "min_ug_m3": "最小 Min", "max_ug_m3": "最大 Max", "family": "标签族 Tag family",
           "largest_relative_deviation": "最大相对偏差 Largest relative deviation", "time": "时间 Time (UTC)",
           "table": "表 Table", "scenario": "情景 Scenario", "before_ug_m3": "减排前 Before (µg m⁻³)",
           "after_ug_m3": "减排后 After (µg m⁻³)", "after_low_ug_m3": "下限 Low (µg m⁻³)", "after_high_ug_m3": "上限 High (µg m⁻³)",
           "change_ug_m3": "变化 Change (µg m⁻³)", "change_percent": "变化 Change (%)",
           "simulated_ug_m3": "模拟 Simulated (µg m⁻³)", "prediction_error": "预测误差 Prediction error",
           "base_is_this_run": "基准为本次运行 Base is this run", "day_beijing": "日期（北京时间）Day (Beijing)",
           "limit_ug_m3": "二级限值 Grade II limit (µg m⁻³)", "grade": "评价 Grade", "days": "天数 Days",
           "time_beijing": "北京时间 Beijing time", "station_id": "站点 Station", "name": "名称 Name",
           "group": "分组 Group", "start_utc": "起 Start (UTC)", "end_utc": "止 End (UTC)",
           "obs_ug_m3": "观测 Observed (µg m⁻³)", "model_ug_m3": "模式 Model (µg m⁻³)", "comparison": "比较 Comparison",
           "reason": "说明 Reason", "n": "对数 N", "statistic": "统计量 Statistic", "value": "值 Value",
           "goal": "目标 Goal", "goal_met": "达到 Met", "criterion": "标准 Criterion", "criterion_met": "达到 Met"}
CONTRIB_COLUMNS = ["rank", "key", "name_zh", "name_en", "mean_ug_m3", "share_percent"]
SECTION_TITLES = {"unit": ("控制单元", f"Top {TOP_UNITS} control units"),
                  "prefecture": ("地州市及区外", "Prefectures and regions outside Xinjiang"),
                  "sector": ("行业", "Sectors"), "inflow": ("入流与初始条件", "Inflow (boundary sides) and initial conditions")}
MISSING = {"unit": "the run has no tag family by unit (tags_family_by = 'unit')",
           "prefecture": "the run has no tag family by unit or prefecture",
           "sector": "the run has no tag family by sector (tags_family_by = 'sector')", "inflow": ""}
CSS = """body{font-family:"Noto Sans CJK SC","Noto Sans CJK JP","WenQuanYi Zen Hei",sans-serif;margin:1.5em auto;
max-width:1250px;color:#222;line-height:1.45}h1{font-size:1.6em}h2{border-bottom:2px solid #888;margin-top:2em}
h3{margin-top:1.4em}table{border-collapse:collapse;margin:.6em 0;font-size:.9em}td,th{border:1px solid #bbb;
padding:2px 8px}.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#eee}img{max-width:100%;
border:1px solid #ddd}.headline{background:#fff8e6;border:1px solid #e5c07b;padding:.6em 1em}
.closure{background:#eef6ee;border:1px solid #9c9;padding:.4em 1em}
.pair{display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start}.note{color:#666;font-size:.9em}
nav a{margin-right:1.2em}"""
# Marks every image with whether it loaded, and the page with the counts, once all have loaded.
SCRIPT = """window.addEventListener('load', function () {
  var images = document.images, loaded = 0;
  for (var k = 0; k < images.length; k++) {
    var ok = images[k].complete && images[k].naturalWidth > 0;
    images[k].setAttribute('data-loaded', ok ? 'yes' : 'no');
    if (ok) loaded++;
  }
  document.body.setAttribute('data-images-total', images.length);
  document.body.setAttribute('data-images-loaded', loaded);
});"""


def headline(rows, receptor, family):
    """The five largest contributors to PM2.5 at a receptor in the family that partitions by place."""
    return [x for x in rows if x["receptor"] == receptor and x["species"] == "pm25" and x["table"] == family][:5]


def initial_shares(rows, receptors):
    """Per receptor, the share (%) of its period-mean PM2.5 still from the starting air (None without the row)."""
    out = {c: None for c in receptors}
    for x in rows:
        if x["species"] == "pm25" and x["key"] == "initial" and x["receptor"] in out and out[x["receptor"]] is None:
            out[x["receptor"]] = x["share_percent"]
    return out


def summary_part(r, rep, cells):
    """The headline and closure boxes of receptor r."""
    rec, receptor = rep["rec"], rep["rec"]["receptor"][r]
    pm = next(x for x in rep["concentrations"] if x["receptor"] == receptor and x["species"] == "pm25")
    items = "".join(f"<li>{bi(x['name_zh'], x['name_en'])} <code>{esc(x['key'])}</code>: "
                    f"{cells.ref(x, 'mean_ug_m3')} µg m⁻³, <b>{cells.ref(x, 'share_percent')}%</b></li>"
                    for x in headline(rep["contributions"], receptor, rep["family"]))
    dev = [x for x in rep["closure"] if x["receptor"] == receptor]
    worst = max(dev, key=lambda x: x["largest_relative_deviation"])
    return [f"<h2>{bi(rec['receptor_zh'][r], rec['receptor_en'][r])} ({esc(receptor)})</h2>",
            f'<div class="headline"><p>时段平均 PM2.5 Episode-mean PM2.5: <b>{cells.ref(pm, "mean_ug_m3")}</b> µg m⁻³ '
            f'(逐时 hourly {cells.ref(pm, "min_ug_m3")} – {cells.ref(pm, "max_ug_m3")})</p>'
            f"<p>前五贡献源 Top five contributors (tag family <code>{esc(rep['family'].split(':')[1])}</code>):</p>"
            f"<ol>{items}</ol></div>",
            '<p class="closure">闭合 Closure: 标签之和与总浓度 sum of tags vs bulk, largest relative deviation over '
            f'the episode and all species: <b>{cells.ref(worst, "largest_relative_deviation")}</b> '
            f'(family {esc(worst["family"])}, {esc(worst["species"])}, {esc(worst["time"])}).</p>',
            cells.table(["family", "largest_relative_deviation", "time", "species"], dev)]


def daily_part(receptor, rep, cells):
    """Daily means on Beijing days against GB 3095-2012 grade II, and the heavy days' attribution."""
    daily = [x for x in rep["daily"] if x["receptor"] == receptor]
    pm = [x for x in daily if x["species"] == "pm25"]
    if not pm:
        return ["<h3>日均值 Daily means</h3>", '<p class="note">模拟未覆盖完整的北京时间日 The run covers no whole '
                "Beijing day (00:00-24:00 UTC+8): no daily means.</p>"]
    over = sum(x["grade"] != "within" for x in pm)
    heavy = sum(x["grade"] == "heavy" for x in pm)
    parts = ["<h3>日均值 Daily means (北京时间日 Beijing days, GB 3095-2012 二级 grade II)</h3>",
             f'<p class="daily-count">PM2.5 日均超过 {GB3095_DAILY["pm25"]:g} µg m⁻³ 的天数 Days with daily PM2.5 above '
             f'{GB3095_DAILY["pm25"]:g} µg m⁻³: <b>{over}</b> / {len(pm)}; 其中重污染 of which heavily polluted '
             f'(&gt; {HEAVY_PM25:g}): <b>{heavy}</b>. 二级限值 Grade II limits, 24 h: PM2.5 75, SO2 150, NO2 80 µg m⁻³ '
             "(annual: 35, 60, 40); the model's NOx, in NO2 mass, is compared with the NO2 limit.</p>",
             cells.table(["day_beijing", "species", "mean_ug_m3", "limit_ug_m3", "grade"], daily)]
    heavy_rows_here = [x for x in rep["heavy_days"] if x["receptor"] == receptor and x["rank"] <= 8]
    if heavy_rows_here:
        parts += [f"<h4>超标日的来源 Contributions on the {over} day(s) above the limit</h4>",
                  cells.table(["table", "rank", "key", "name_zh", "name_en", "mean_ug_m3", "share_percent"],
                              heavy_rows_here)]
    return parts


def hotspot_section(r, rep, cells):
    receptor = rep["rec"]["receptor"][r]
    figs, rows = rep["figures"][receptor], rep["contributions"]
    parts = [f'<section id="hotspot-{esc(receptor)}" data-receptor="{esc(receptor)}">'] + summary_part(r, rep, cells)
    parts += ["<h3>浓度 Concentrations</h3>",
              f'<img src="{figs["map_pm25"]}" alt="PM2.5 map {esc(receptor)}" width="760">',
              cells.table(["species", "name_zh", "name_en", "units", "mean_ug_m3", "min_ug_m3", "max_ug_m3"],
                          [x for x in rep["concentrations"] if x["receptor"] == receptor], {"mean_ug_m3": "平均 Mean"}),
              f'<img src="{figs["map_species"]}" alt="species maps {esc(receptor)}">']
    for table, (zh, en) in SECTION_TITLES.items():
        parts.append(f"<h3>{bi(zh, en)}</h3>")
        shown = page_rows(rows, receptor, table)
        if shown:
            parts.append(f'<div class="pair"><img src="{figs[table]}" alt="{table} {esc(receptor)}">'
                         + cells.table(CONTRIB_COLUMNS, shown) + "</div>")
        else:
            parts.append(f'<p class="note">{esc(MISSING[table])}</p>')
    parts += ["<h3>逐时贡献 Hourly contributions</h3>", f'<img src="{figs["hourly"]}" alt="hourly {esc(receptor)}">',
              '<p class="note">逐时值见 hourly.csv (the hourly values are in hourly.csv).</p>']
    parts += daily_part(receptor, rep, cells)
    if "scenarios" in rep:
        parts += ["<h3>情景 Scenarios: 减排前后 before and after</h3>", scenario_table(rep["scenarios"], receptor, cells)]
    return "\n".join(parts + ["</section>"])


def scenario_table(scen, receptor, cells):
    mine = sorted((x for x in scen if x["receptor"] == receptor),
                  key=lambda x: (x["table"], x["scenario"], x["species"] != "pm25"))
    if not mine:
        return '<p class="note">no scenario rows for this hotspot</p>'
    columns = COLUMNS["scenarios"][1:2] + COLUMNS["scenarios"][3:]
    if len({x["table"] for x in scen}) > 1:
        columns = ["table"] + columns
    if all(x["simulated_ug_m3"] is None for x in mine):
        columns = [c for c in columns if c not in ("simulated_ug_m3", "prediction_error")]
    bounded = [x for x in mine if x["after_low_ug_m3"] is not None and x["after_low_ug_m3"] != x["after_high_ug_m3"]]
    if not bounded:
        return cells.table([c for c in columns if c not in ("after_low_ug_m3", "after_high_ug_m3")], mine)
    names = ", ".join(sorted({x["scenario"] for x in bounded}))
    return cells.table(columns, mine) + (
        f'<p class="note">{esc(names)}: 基准模拟的标签把情景区别对待的单元合在一起 (多为外层区域按地州标记、经初始场和边界进入的空气)，'
        "减排后浓度只能给出上下限，中间值按排放加权估算；后向 (伴随) 模拟给出精确值。"
        " The base run's tags lump units these scenarios treat differently (mostly the outer domain's prefecture tags, "
        "which bring their air in through the start state and the boundaries): the after value is an emission-weighted "
        "estimate, and the true one lies between the low and high columns; the backward runs "
        "(ADJOINT=namelists/adjoint_xinjiang.nml) give it exactly.</p>")


def overview(rep, cells):
    rec = rep["rec"]
    rows = []
    for r in rep["sections"]:
        receptor = rec["receptor"][r]
        pm = next(x for x in rep["concentrations"] if x["receptor"] == receptor and x["species"] == "pm25")
        top = headline(rep["contributions"], receptor, rep["family"])[:1]
        largest = (f"<td>{bi(top[0]['name_zh'], top[0]['name_en'])}</td>{cells.ref(top[0], 'share_percent', 'td')}"
                   if top else "<td></td><td></td>")
        rows.append(f'<tr><td><a href="#hotspot-{esc(receptor)}">{bi(rec["receptor_zh"][r], rec["receptor_en"][r])}</a>'
                    f"</td>{cells.ref(pm, 'mean_ug_m3', 'td')}{largest}</tr>")
    return ["<h2>总览 Overview</h2>", f'<img src="{rep["overview_map"]}" alt="PM2.5 overview map" width="900">',
            "<table><tr><th>热点 Hotspot</th><th>PM2.5 (µg m⁻³)</th><th>最大贡献源 Largest contributor</th>"
            "<th>占比 Share (%)</th></tr>" + "".join(rows) + "</table>",
            f'<p class="closure">{esc(rep["info"]["closure_text"])}</p>']


METHODS = [
    ("示意性结果", "Illustrative results",
     "本报告的数值用于说明模型如何分配来源，不是对新疆空气质量的评估：排放清单为示意性清单（按公开的全区总量自上而下分配），"
     "气象为诊断气象（由气候统计数值构造的冬季情景，不是对所示日期的再现），控制单元由 bogda-grid 按县派生，不是官方的 1+14+N 单元。",
     "The numbers show how the model apportions sources; they are not an assessment of Xinjiang's air. The emission "
     "inventory is illustrative (bin/bogda-inventory spreads published Xinjiang totals, late 2010s: SO2 320, NOx 470, "
     "NH3 380, primary PM2.5 250 kt/yr, over land-use proxies and the large stacks); the meteorology is the diagnostic "
     "source, a winter scenario built from climatological numbers (namelists/winter_jan2024.nml), not a reconstruction of "
     "the days shown; the control units are derived per county by bin/bogda-grid (key control around urban and industrial "
     "land, priority protection, general the rest), not the official 1+14+N units. Replace each with the real input "
     "(emissions_gridded_file, met_source = 'wrf', grid_tool_units_file) for a study."),
    ("输入数据", "Inputs",
     "地形：ETOPO5（北坡城市偏高 300-700 米）；行政边界：高德县级和地州级边界；外边界背景空气：约 11.6 µg m⁻³ PM2.5（阿克达拉本底站）。",
     "Terrain: NOAA ETOPO5 (5 arc-minutes; the northern-slope cities sit 300-700 m too high in it); boundaries: AMap "
     "county and prefecture polygons; background air at the outer domain's edges: about 11.6 µg m⁻³ PM2.5 at the ground "
     "(the Akedala background station), falling with a 2 km scale height. Sources and licences: data/README.md."),
    ("时段与预热", "Period and spin-up",
     "外层 27 公里区域先于分析时段起算（预热；默认算例为 5 天，其间两次冷锋过境），内层 9 公里区域从外层在分析时段开始时的状态（含标签）起算；平均值只覆盖分析时段。",
     "The outer 27 km domain starts before the analysis period (its spin-up: 5 days with two cold fronts in the default "
     "case); the 9 km domain starts at the "
     "analysis start from the outer domain's state there, tags included, so its first air is already attributed to "
     "sources; the averages cover the analysis period only. What is left of the outer domain's clean starting air is "
     "the 'initial conditions' row of the inflow table. Times are shown in Beijing time (UTC+8); the files hold UTC."),
    ("化学", "Chemistry",
     "线性一阶转化：SO2→硫酸盐、NOx→硝酸盐、NH3→铵盐，速率随湿度、云水和温度变化；无光化学机理、无热力学平衡、无二次有机气溶胶。",
     "Linear first-order conversion of SO2 to sulfate, NOx to nitrate and NH3 to ammonium, with rates that depend on "
     "sunlight, cloud water, humidity and temperature (physics/chemistry.c). Left out: a photochemical mechanism, the "
     "thermodynamic partitioning of ammonium nitrate (ISORROPIA in CMAQ and CAMx), ammonia limitation, secondary organic "
     "aerosol. PM2.5 here is primary PM2.5 + sulfate + nitrate + ammonium, dry."),
    ("标签占比的含义", "What a tag share means",
     "标签把总浓度精确分解（闭合误差见各热点）；由于化学是线性的，一个来源的贡献等于去掉该来源（零排放）后浓度的变化。",
     "The tags of a family partition the bulk exactly (the closure boxes give the deviation). Because the chemistry is "
     "linear, a source's contribution equals the change that removing it (a zero-out run) would make; with the PPM "
     "scheme's limiter the model is slightly nonlinear and the two agree to within a small fraction. 'Through the "
     "boundary' rows are air from a prefecture of the outer domain that entered the 9 km domain at its edges or at its "
     "start: it is attributed by prefecture, not by unit. 'Inflow' rows are air from beyond the outer domain."),
    ("尚未完成", "Not yet done",
     "尚未与观测对比评估。",
     "The run has not been evaluated against observations here: its biases are not measured. Known causes of bias: the "
     "illustrative inventory, the diagnostic meteorology (no real weather), the terrain, the linear chemistry."),
]


EVALUATED = ("与观测对比", "Evaluation against observations",
             "本次运行已与观测对比（见“与观测对比”一节）：偏差及其可能原因（清单、气象、混合、化学）在那里给出。",
             "The run is compared with station observations in the section 'Evaluation against observations': the "
             "biases, whether they meet the published goals and criteria, and their likely causes (inventory, "
             "meteorology, mixing, chemistry) are given there. Known causes of bias: the illustrative inventory, the "
             "diagnostic meteorology (no real weather), the terrain, the linear chemistry.")


def methods_part(evaluated=False):
    """The methods and caveats section, in both languages; its last part says whether and where
    the run is evaluated against observations."""
    parts = ['<section id="methods"><h2>方法与说明 Methods and caveats</h2>']
    for zh, en, text_zh, text_en in METHODS[:-1] + [EVALUATED if evaluated else METHODS[-1]]:
        parts.append(f"<h3>{bi(zh, en)}</h3><p lang=\"zh\">{esc(text_zh)}</p><p lang=\"en\">{esc(text_en)}</p>")
    return parts + ["</section>"]


def page(rep, cells):
    info, rec = rep["info"], rep["rec"]
    nav = "".join(f'<a href="#hotspot-{esc(rec["receptor"][r])}">{bi(rec["receptor_zh"][r], rec["receptor"][r])}</a>'
                  for r in rep["sections"])
    if rep.get("split"):
        nav += '<a href="#joint-control">联防联控 Joint control</a>'
    if rep.get("strategy_html"):
        nav += '<a href="#strategy">减排策略 Strategy</a>'
    if "evaluation_pairs" in rep:
        nav += '<a href="#evaluation">与观测对比 Evaluation</a>'
    files = [f"{t}.csv" for t in COLUMNS if t in rep] + ["report.json"]
    body = [f"<h1>Bogda 来源解析报告 Source-attribution report: {esc(info['name'])}</h1>",
            '<p class="illustrative"><b>示意性结果 Illustrative results</b>: 示意性排放清单、诊断气象、派生控制单元 '
            "(an illustrative inventory, diagnostic meteorology and derived control units; see 方法与说明 Methods and "
            "caveats).</p>",
            f'<p class="note">分析时段 Analysis period: {esc(info["period"])} ({info["hours"]} h, {info["segments"]} segment(s)); '
            f'区域 domain {esc(info["domain"])}; 标签 tags: {info["ntag"]} in families {esc(info["families"])}; '
            f'run directory <code>{esc(info["run_dir"])}</code>. 贡献 Contributions are episode means of the hourly '
            "hotspot-mean surface concentrations; 占比 shares are of the episode-mean bulk.</p>", f"<nav>{nav}</nav>"]
    body += overview(rep, cells)
    body += [hotspot_section(r, rep, cells) for r in rep["sections"]]
    body += joint_control.section(rep, cells, bi, esc)
    if rep.get("adjoint_html"):
        body.append(rep["adjoint_html"])
    if rep.get("strategy_html"):
        body.append(rep["strategy_html"])
    body += evaluation_text.section(rep, cells, esc)
    body += methods_part("evaluation_pairs" in rep)
    body.append("<footer><h2>表格 Tables</h2><p>" + " ".join(f'<a href="{f}">{f}</a>' for f in files)
                + f'</p><p class="note">{esc(info["generated"])}</p></footer>')
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>Bogda 来源解析报告 '
            f'Attribution report: {esc(info["name"])}</title><style>{CSS}</style></head>\n<body data-report="bogda">\n'
            + "\n".join(body) + f"\n<script>{SCRIPT}</script>\n</body>\n</html>\n")


# Putting it together.

def load(args):
    """Every input, read and checked against each other."""
    name, rec_files, hist_files = run_files(args.run_dir)
    dom = read_domain(args.domain)
    rec = read_receptors(rec_files)
    missing = [c for c in rec["receptor"] if c not in dom["receptor_name"]]
    if missing:
        fail(f"{args.domain}: receptor(s) {', '.join(missing)} of the run are not in the domain file: not the run's domain?")
    order = [dom["receptor_name"].index(c) for c in rec["receptor"]]
    dom["receptor_weight"], dom["receptor_name"] = dom["receptor_weight"][order], list(rec["receptor"])
    if "receptor_county" in dom:
        dom["receptor_county"] = dom["receptor_county"][order]
    maps, attrs, _ = read_history(hist_files, rec["species"], dom["lon"].shape)
    geo = {"prefectures": plot_domain.rings(os.path.join(plot_domain.DATA, "xinjiang_prefectures_amap.geojson")),
           "outline": plot_domain.rings(os.path.join(plot_domain.DATA, "xinjiang_outline_dcw.geojson")),
           "sites": plot_domain.sites()}
    rep = {"name": name, "rec_files": rec_files, "hist_files": hist_files, "dom": dom, "rec": rec, "maps": maps,
           "attrs": attrs, "geo": geo, "tags": Tags(rec, dom, geo["sites"])}
    if args.scenarios:
        rep["scenarios"] = read_scenarios(args.scenarios, rec)
    for key, folder, tool in (("strategy", args.strategy, "postproc/strategy_report.py on the bogda-strategy folder"),
                              ("adjoint", args.adjoint, "postproc/adjoint_sources.py on the backward runs' tables")):
        if folder:  # a section another tool wrote as an HTML fragment, with its tables beside it
            path = os.path.join(folder, f"{key}_section.html")
            if not os.path.isfile(path):
                fail(f"{path}: no such file (run {tool} first)")
            with open(path, encoding="utf-8") as f:
                rep[f"{key}_html"] = f.read()
            rep[f"{key}_dir"] = folder
    if args.observations:
        try:
            rep["evaluation_pairs"], rep["evaluation_stats"] = evaluate.evaluate(args.run_dir, args.domain,
                                                                                 args.observations)
        except evaluate.EvaluationError as e:
            fail(str(e))
    return rep


def make_tables(rep):
    rec, tags = rep["rec"], rep["tags"]
    rep["contributions"] = contributions(rec, tags)
    rep["concentrations"] = concentration_rows(rec, rep["attrs"])
    rep["closure"] = closure_rows(rec, tags)
    rep["hourly"], rep["stacks"] = hourly_rows(rec, rep["contributions"])
    rep["daily"] = daily_rows(rec)
    rep["heavy_days"] = heavy_rows(rec, tags, rep["daily"])
    rep["family"] = f"family:{tags.spatial()[0]}"
    cities = {c for cs in joint_control.zones(rec).values() for c in cs}
    rep["sections"] = [r for r in range(len(rec["receptor"])) if r not in cities]  # a section and maps each
    if "receptor_county" in rep["dom"]:
        heavy = {}
        for x in rep["daily"]:
            if x["species"] == "pm25" and x["grade"] != "within":
                heavy.setdefault(x["receptor"], []).extend(x["_idx"])
        rep["split"] = joint_control.split_rows(rec, tags, rep["dom"], {k: sorted(v) for k, v in heavy.items()})
        rep["city_matrix"] = joint_control.matrix_rows(rec, tags, rep["dom"])
    start = rec["time"][0] - record_interval(rec)
    rep["period"] = (f"{bjt(start)} – {bjt(rec['time'][-1])} 北京时间 Beijing time "
                     f"({iso(start)} – {iso(rec['time'][-1])})".replace("T", " ").replace("Z", " UTC"))


def make_figures(rep, out):
    rec, dom = rep["rec"], rep["dom"]
    rep["figures"], rep["unit_maps"] = {}, {}
    for r in rep["sections"]:
        receptor = rec["receptor"][r]
        figs = charts(out, rec, rep["contributions"], rep["stacks"], r)
        figs["map_pm25"], figs["map_species"] = map_figures(out, dom, rep["geo"], rep["maps"], rep["attrs"], rec, r,
                                                            rep["period"])
        rep["figures"][receptor] = figs
    rep["overview_map"] = overview_map(out, dom, rep["geo"], rep["maps"], rep["attrs"], rep["period"])
    whole = (dom["lon"].min(), dom["lon"].max(), dom["lat"].min(), dom["lat"].max())
    for z in joint_control.zones(rec) if rep.get("split") else []:
        def draw(ax, field, title, z=z):
            draw_field(ax, field, dom, rep["geo"], whole, title, tr("贡献", "contribution") + " (µg m⁻³)", z)
        if any(v > 0 for v in joint_control.unit_contribution(rec, rep["tags"], z).values()):
            rep["unit_maps"][rec["receptor"][z]] = joint_control.unit_map(out, rep, z, plt, draw)


def run_info(rep, args):
    rec, tags = rep["rec"], rep["tags"]
    worst = max(x["largest_relative_deviation"] for x in rep["closure"])
    log_closure = read_log_closure(args.run_dir, rep["name"])
    now = datetime.datetime.now(datetime.timezone.utc)
    return {"name": rep["name"], "run_dir": os.path.abspath(args.run_dir),
            "domain": f"{rep['dom']['name']} ({os.path.abspath(args.domain)})", "period": rep["period"],
            "hours": len(rec["time"]), "segments": len(rep["rec_files"]), "ntag": len(rec["label"]),
            "families": ", ".join(f"{f[0]} (by {f[1]})" for f in tags.families),
            "closure_text": "闭合 Closure: at the hotspots the sum of every tag family equals the bulk to "
                            f"{worst:.2e} (largest relative deviation); the model's own check over the domain recorded "
                            f"{np.nanmax(rec['closure']):.2e} in the receptor files"
                            + (f" and {log_closure:.2e} in its log." if log_closure is not None else "."),
            "generated": f"made by postproc/report.py on {now:%Y-%m-%d %H:%M} UTC from {len(rep['rec_files'])} receptor "
                         f"file(s) and {len(rep['hist_files'])} history file(s); Chinese labels in the figures: "
                         + (f"font {CJK['font']}." if CJK["font"] else "no CJK font, English only.")}


def build(args, out):
    """The whole report in the folder out; returns the content of report.json."""
    rep = load(args)
    setup_fonts()
    make_tables(rep)
    tables = {t: rep[t] for t in COLUMNS if t in rep}
    for name, rows in tables.items():
        write_csv(os.path.join(out, f"{name}.csv"), name, rows)
    make_figures(rep, out)
    for t in ("adjoint_sources.csv", "adjoint_units.csv", "adjoint_prefectures.csv", "adjoint_sectors.csv",
              "adjoint_unit_sectors.csv", "adjoint_tables.json"):
        if rep.get("adjoint_dir") and os.path.isfile(os.path.join(rep["adjoint_dir"], t)):
            shutil.copy(os.path.join(rep["adjoint_dir"], t), out)
    if rep.get("strategy_dir") and os.path.isfile(os.path.join(rep["strategy_dir"], "strategy_curve.png")):
        shutil.copy(os.path.join(rep["strategy_dir"], "strategy_curve.png"), out)
    rep["info"] = run_info(rep, args)
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as f:
        f.write(page(rep, Cells(tables)))
    report = {"run": rep["info"], "receptors": [{"code": c, "name_zh": z, "name_en": e} for c, z, e in
                                                 zip(rep["rec"]["receptor"], rep["rec"]["receptor_zh"], rep["rec"]["receptor_en"])],
              "headline": {c: [{k: jsonable(x[k]) for k in CONTRIB_COLUMNS} for x in headline(rep["contributions"], c, rep["family"])]
                           for c in rep["rec"]["receptor"]},
              "figures": rep["figures"], "overview_map": rep["overview_map"],
              "initial_share_percent": initial_shares(rep["contributions"], rep["rec"]["receptor"])}
    for name, rows in tables.items():
        report[name] = [{c: jsonable(x.get(c)) for c in COLUMNS[name]} for x in rows]
    with open(os.path.join(out, "report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, separators=(",", ":"))
    return report


def check_outdir(final):
    """OUTDIR may be new, empty or an earlier report; nothing else is replaced."""
    if os.path.exists(final) and not (os.path.isdir(final) and (not os.listdir(final) or
                                                                 os.path.isfile(os.path.join(final, "report.json")))):
        fail(f"{final}: exists and is not an earlier report: give a new folder with -o")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", metavar="RUN_DIR", help="a run's output directory")
    parser.add_argument("--domain", required=True, metavar="DOMAIN_FILE", help="the run's domain file (bogda-grid)")
    parser.add_argument("--scenarios", nargs="+", metavar="TABLE", help="bogda-predict CSV or compare_scenarios.py output")
    parser.add_argument("--strategy", metavar="DIR", help="a bogda-strategy output folder whose strategy_section.html "
                        "(postproc/strategy_report.py) becomes the report's strategy section")
    parser.add_argument("--adjoint", metavar="DIR", help="a postproc/adjoint_sources.py output folder whose "
                        "adjoint_section.html becomes the section ranking every control unit")
    parser.add_argument("--observations", metavar="OBS.csv", help="station observations (docs/observations.md): "
                        "adds the evaluation section (postproc/evaluate.py)")
    parser.add_argument("-o", "--outdir", metavar="OUTDIR", help="output folder (default RUN_DIR/report)")
    args = parser.parse_args()
    final = os.path.abspath(args.outdir or os.path.join(args.run_dir, "report"))
    start = clock.time()
    try:
        if not os.path.isdir(args.run_dir):
            fail(f"{args.run_dir}: no such run directory")
        check_outdir(final)
        report = evaluate.publish(final, lambda tmp: build(args, tmp))  # a temporary folder, renamed when complete
    except (ReportError, OSError) as e:
        print(f"report.py: error: {e}", file=sys.stderr)
        return 1
    for code, top in report["headline"].items():
        print(f"{code}: " + "; ".join(f"{x['name_en']} ({x['key']}) {x['share_percent']:.1f}%" for x in top))
    zones = {c: v for c, v in report["initial_share_percent"].items() if "." not in c and v is not None}
    if zones:
        print("starting air left at the zones (share of period-mean PM2.5): "
              + ", ".join(f"{c} {v:.2f} %" for c, v in zones.items()))
        high = [c for c, v in zones.items() if v > INITIAL_LIMIT_PERCENT]
        if high:
            warn(f"more than {INITIAL_LIMIT_PERCENT:g} % of PM2.5 at {', '.join(high)} is still the starting air: "
                 "the spin-up is too short for attribution (SPINUP_HOURS, the outer run's start)")
    print(f"report: {os.path.join(final, 'index.html')} ({clock.time() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
