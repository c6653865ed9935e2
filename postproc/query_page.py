#!/usr/bin/python3
"""The public query page of a Bogda run: a static page, in Chinese and English, to look up a control
unit (its kind, prefecture, emissions by sector, contribution at each hotspot and strategy) and to
check a new project (which unit the place is in and what it would add at each hotspot).

    /usr/bin/python3 postproc/query_page.py RUN_DIR --domain DOMAIN_FILE [--strategy PATH]
                                            [--footprints FP.nc] [--bin BIN_DIR] [-o OUTDIR]

RUN_DIR is a run's output folder with tags (its receptor files and effective namelist);
DOMAIN_FILE the bogda-grid file it ran on. bin/bogda-query -page_data exports every number the page
shows (17 significant digits: the page computes from the very coefficients bogda-query uses, so
its answers equal bogda-query's). PATH is a strategy_units.csv (columns
unit_code,unit_name,kind,prefecture,sector,precursor,cut_percent,cut_t_yr,cost_yuan) or a folder
holding it; without --strategy the run folder and its strategy/ folder are searched. A
strategy_targets.csv beside it (a column naming the hotspot: receptor, hotspot or zone; a column
whose name holds "target"; if there is a column constraint, its row "mean") adds each hotspot's
target. Numbers of the tables are shown to 4 significant digits, other fields as they are.
FP.nc, the run's backward-run footprints (<name>_adjoint_footprints.nc), adds to the project form
the footprint-based answer of a surface project (its own cell, layer 0: bogda-query -footprints
exports each cell's layer 0; a stack's needs the plume rise on the run's met, which only
bogda-query -footprints computes, and the page says so).

OUTDIR (default RUN_DIR/query) gets index.html, query.js, query.css (postproc/query_page/) and
data.js (the export, the prefecture and county borders of data/ over the domain, the strategy
tables). It is written under a temporary name beside OUTDIR and renamed when complete. The page
needs no server: it opens from file://, and `python3 -m http.server` in RUN_DIR serves it.
A run without tags gets a page that says so. Needs Debian's python3-netcdf4.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

from netCDF4 import Dataset

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, "data")
MARGIN = 0.5    # degrees around the domain within which borders are kept
DECIMALS = 3    # border coordinates kept, degrees (about 100 m)
STATIC = ("index.html", "query.js", "query.css")


def bbox(domain):
    with Dataset(domain) as d:
        lon, lat = d["lon"][:], d["lat"][:]
        return (float(lon.min()) - MARGIN, float(lat.min()) - MARGIN,
                float(lon.max()) + MARGIN, float(lat.max()) + MARGIN)


def features(path, box, names_en=None):
    """The polygons of a GeoJSON file that reach into box, rounded, with their names."""
    with open(path, encoding="utf-8") as f:
        collection = json.load(f)["features"]
    out = []
    for feature in collection:
        g, p = feature["geometry"], feature["properties"]
        polygons = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        rings = []
        for polygon in polygons:
            for ring in polygon:
                xs, ys = [c[0] for c in ring], [c[1] for c in ring]
                if max(xs) < box[0] or min(xs) > box[2] or max(ys) < box[1] or min(ys) > box[3]:
                    continue
                kept = []
                for c in ring:
                    c = [round(c[0], DECIMALS), round(c[1], DECIMALS)]
                    if not kept or c != kept[-1]:
                        kept.append(c)
                if len(kept) >= 4:
                    rings.append(kept)
        if rings:
            adcode = str(p.get("adcode", ""))
            en = (names_en or {}).get(adcode) or p.get("name_en") or p.get("prefecture_en") or p["name"]
            out.append({"adcode": adcode, "name_zh": p["name"], "name_en": en, "rings": rings})
    return out


def county_names():
    with open(os.path.join(DATA, "xinjiang_county_names_en.csv"), encoding="utf-8") as f:
        return {r["adcode"]: r["name_en"] for r in csv.DictReader(f)}


def table(path):
    """A CSV table as {file, header, rows} of strings, or None if there is no file."""
    if not path or not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        return {"file": os.path.basename(path), "header": reader.fieldnames, "rows": rows}


def strategy(run, given):
    where = given or next((d for d in (run, os.path.join(run, "strategy"))
                           if os.path.isfile(os.path.join(d, "strategy_units.csv"))), run)
    units_path = where if where.endswith(".csv") else os.path.join(where, "strategy_units.csv")
    units = table(units_path)
    if units is not None:
        need = {"unit_code", "sector", "precursor", "cut_percent", "cut_t_yr", "cost_yuan"}
        missing = need - set(units["header"] or [])
        if missing:
            sys.exit(f"query_page.py: {units_path}: missing column(s) {', '.join(sorted(missing))}")
    targets = table(os.path.join(os.path.dirname(units_path), "strategy_targets.csv"))
    if targets is not None:
        header = targets["header"] or []
        key = next((c for c in header if c.lower() in ("receptor", "hotspot", "zone")), None)
        value = next((c for c in header if "target" in c.lower()), None)
        if key is None or value is None:
            sys.exit(f"query_page.py: strategy_targets.csv: expected a receptor (or hotspot, zone) "
                     f"column and a target column; found {', '.join(header)}")
        targets.update(key=key, value=value)
    return {"units": units, "targets": targets}


def export(args, tmp):
    """bogda-query's export as JavaScript text, or None and the reason."""
    path = os.path.join(tmp, "page.json")
    cmd = [os.path.join(args.bin, "bogda-query"), "-run", args.run, "-domain", args.domain,
           "-page_data", path] + (["-footprints", args.footprints] if args.footprints else [])
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        lines = [l for l in done.stderr.splitlines() if "error" in l] or done.stderr.splitlines()[-1:]
        return None, " ".join(lines) or f"bogda-query exited with {done.returncode}"
    with open(path, encoding="utf-8") as f:
        text = f.read()
    os.remove(path)
    return text, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run")
    ap.add_argument("--domain", required=True)
    ap.add_argument("--strategy", help="strategy_units.csv or a folder holding it")
    ap.add_argument("--footprints", help="the run's <name>_adjoint_footprints.nc")
    ap.add_argument("--bin", default=os.path.join(ROOT, "bin"), help="where bogda-query is")
    ap.add_argument("-o", "--out")
    args = ap.parse_args()
    out = os.path.abspath(args.out or os.path.join(args.run, "query"))
    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".query_", dir=parent)
    try:
        data, error = export(args, tmp)
        box = bbox(args.domain)
        geo = {"prefectures": features(os.path.join(DATA, "xinjiang_prefectures_amap.geojson"), box),
               "counties": features(os.path.join(DATA, "xinjiang_counties_amap.geojson"), box, county_names())}
        with open(os.path.join(tmp, "data.js"), "w", encoding="utf-8") as f:
            f.write("// Written by postproc/query_page.py; the numbers are bogda-query's -page_data export.\n")
            f.write("window.BOGDA_RUN = " + json.dumps(os.path.abspath(args.run), ensure_ascii=False) + ";\n")
            f.write("window.BOGDA_QUERY = " + (data.strip() if data else "null") + ";\n")
            f.write("window.BOGDA_ERROR = " + json.dumps(error, ensure_ascii=False) + ";\n")
            f.write("window.BOGDA_GEO = " + json.dumps(geo, ensure_ascii=False, separators=(",", ":")) + ";\n")
            f.write("window.BOGDA_STRATEGY = " + json.dumps(strategy(args.run, args.strategy), ensure_ascii=False) + ";\n")
        for name in STATIC:
            shutil.copy(os.path.join(HERE, "query_page", name), os.path.join(tmp, name))
        os.chmod(tmp, 0o755)  # mkdtemp's 0700 would keep a web server's other users out
        if os.path.isdir(out):
            shutil.rmtree(out)
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    print(f"query_page.py: {'completed' if data else 'written without the model: ' + error}: "
          f"{os.path.join(out, 'index.html')}")
    return 0 if data else 2


if __name__ == "__main__":
    sys.exit(main())
