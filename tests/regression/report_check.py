#!/usr/bin/python3
"""Checks on the attribution report (postproc/report.py) for tests/regression/report.sh.

  report_check.py page DOM.html REPORT_DIR
      the page as the browser left it (chromium --dump-dom): every <img> loaded (its data-loaded
      set by the page's script after the load event), and every element that names a CSV file,
      row and column (the tables, the headline numbers) holds the text of that cell.
  report_check.py numbers REPORT_DIR RUN_DIR
      the tables against the receptor files: episode means of the bulk and of tags, shares, and
      each tag family's shares summing to 100 %.
  report_check.py split RUN_DIR OUT_DIR
      a copy of a one-segment run as two checkpoint segments that overlap by one record (the later
      segment's values changed there, the earlier one's kept), for the concatenation check.
  report_check.py drop SRC.nc DST.nc VARIABLE
      a copy of a NetCDF file without one variable.
  report_check.py same A.csv B.csv
      two CSV files hold the same rows.
  report_check.py joint REPORT_DIR RUN_DIR DOMAIN_FILE
      the joint-control tables (split.csv, city_matrix.csv) against the receptor and domain files.
Exit status 0 when the check holds; a line says what was compared."""
import csv
import datetime
import glob
import json
import os
import shutil
import sys
from html.parser import HTMLParser

import numpy as np
from netCDF4 import Dataset, chartostring


class Page(HTMLParser):
    """The images of a page, and its cells of CSV tables: elements marked with data-csv (the
    file), data-row (the row, 0 the first after the header) and data-col (the column)."""

    def __init__(self):
        super().__init__()
        self.images, self.cells, self.body = [], [], {}
        self.open = None  # (tag, file, row, column, text pieces) of the cell being read

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        elif tag == "img":
            self.images.append(a)
        elif "data-col" in a:
            self.open = (tag, a.get("data-csv"), a.get("data-row"), a["data-col"], [])

    def handle_data(self, data):
        if self.open:
            self.open[4].append(data)

    def handle_endtag(self, tag):
        if self.open and tag == self.open[0]:
            _, name, row, col, text = self.open
            self.cells.append((name, int(row), col, "".join(text).strip()))
            self.open = None


def read_csv(path):
    """A table of the report: UTF-8 that must start with a byte-order mark (for Excel and WPS)."""
    with open(path, "rb") as f:
        if not f.read(3) == b"\xef\xbb\xbf":
            raise SystemExit(f"{path}: no UTF-8 byte-order mark")
    with open(path, encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def shown(text, want):
    """Whether the page's text is the CSV's full-precision value as printed: equal text, or the value
    rounded to the digits the text shows (%.2f, %.4g, %.2e: half a unit of its last digit)."""
    if text == want:
        return True
    try:
        value, printed = float(want), float(text)
    except ValueError:
        return False
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    unit = 10.0 ** (int(exponent or 0) - decimals)
    return abs(printed - value) <= 0.5 * unit * (1 + 1e-9)


def page(dom_path, report_dir):
    p = Page()
    with open(dom_path, encoding="utf-8") as f:
        p.feed(f.read())
    bad = [img.get("src") for img in p.images if img.get("data-loaded") != "yes"]
    total, loaded = p.body.get("data-images-total"), p.body.get("data-images-loaded")
    images_ok = p.images and not bad and total == loaded == str(len(p.images))
    tables, wrong = {}, []
    for name, row, col, text in p.cells:
        if name not in tables:
            tables[name] = read_csv(os.path.join(report_dir, name))
        want = tables[name][row][col]
        if not shown(text, want):
            wrong.append(f"{name} row {row} {col}: page '{text}', CSV '{want}'")
    numeric = sum(1 for _, _, col, _ in p.cells if col.endswith(("_ug_m3", "_percent", "deviation")))
    print(f"{len(p.images)} images, {loaded} loaded{': not loaded ' + ', '.join(bad) if bad else ''}; "
          f"{len(p.cells)} table cells ({numeric} numbers) from {len(tables)} CSV files, {len(wrong)} differ"
          + ("".join("\n# " + w for w in wrong[:5])))
    return 0 if images_ok and p.cells and numeric and not wrong and len(tables) >= 4 else 1


def load(run_dir):
    conc, contrib = [], []
    for f in sorted(glob.glob(run_dir + "/*_receptors_*.nc")):
        with Dataset(f) as d:
            d.set_auto_chartostring(False)  # chartostring below decodes
            conc.append(d["conc"][:])
            contrib.append(d["contribution"][:])
            labels = [str(s) for s in chartostring(d["tag_label"][:])]
            recs = [str(s) for s in chartostring(d["receptor_name"][:])]
            species = [str(s) for s in chartostring(d["species_name"][:])]
    return np.concatenate(conc), np.concatenate(contrib), labels, recs, species


def close(text, value):
    """A table's 4-significant-digit text against the value it rounds."""
    return abs(float(text) - value) <= 5e-4 * abs(value) + 1e-300


def numbers(report_dir, run_dir):
    conc, contrib, labels, recs, species = load(run_dir)
    bulk, tag = conc.mean(axis=0), contrib.mean(axis=0)
    bad, n = [], 0
    for row in read_csv(os.path.join(report_dir, "concentrations.csv")):
        r, s = recs.index(row["receptor"]), species.index(row["species"])
        n += 1
        if not close(row["mean_ug_m3"], bulk[r, s]) or not close(row["max_ug_m3"], conc[:, r, s].max()):
            bad.append(f"concentrations {row['receptor']} {row['species']}")
    for row in read_csv(os.path.join(report_dir, "contributions.csv")):
        if not row["table"].startswith("family:"):
            continue
        k = labels.index(row["table"].split(":", 1)[1] + ":" + row["key"])
        r, s = recs.index(row["receptor"]), species.index(row["species"])
        n += 1
        share = 100 * tag[r, s, k] / bulk[r, s]
        if not close(row["mean_ug_m3"], tag[r, s, k]) or abs(float(row["share_percent"]) - share) > 0.0051:
            bad.append(f"contributions {row['receptor']} {row['species']} {row['table']} {row['key']}")
    with open(os.path.join(report_dir, "report.json"), encoding="utf-8") as f:
        report = json.load(f)
    sums = {}
    for row in report["contributions"]:
        key = (row["receptor"], row["species"], row["table"] if row["table"].startswith("family:") else
               "prefecture+inflow" if row["table"] in ("prefecture", "inflow") else row["table"])
        sums[key] = sums.get(key, 0.0) + row["share_percent"]
    partitions = {k: v for k, v in sums.items() if k[2] != "unit"}
    worst = max(abs(v - 100) for v in partitions.values())
    print(f"{n} table entries against the receptor files, {len(bad)} differ; {len(partitions)} partitions "
          f"(families, sectors, prefectures with inflow) sum to 100 % within {worst:.1e}"
          + "".join("\n# " + b for b in bad[:5]))
    return 0 if n and not bad and worst < 1e-9 else 1


def split(run_dir, out_dir):
    """Every NetCDF file as two segments, records 0..m and m..end; record m is spoiled in the
    first, so that only a report that keeps the later segment's record reproduces the original."""
    os.makedirs(out_dir, exist_ok=True)
    for f in glob.glob(run_dir + "/*"):
        if os.path.isfile(f) and not f.endswith((".nc", ".bin")):
            shutil.copy(f, out_dir)
    for f in glob.glob(run_dir + "/*.nc"):
        stem = os.path.basename(f)[:-3].rsplit("_", 1)[0]
        with Dataset(f) as src:
            times = src["time"][:]
            m = len(times) // 2
            later = datetime.datetime.fromtimestamp(times[m] - 3600, datetime.timezone.utc).strftime("%Y%m%dT%H%MZ")
            for name, lo, hi in ((os.path.basename(f), 0, m + 1), (f"{stem}_{later}.nc", m, len(times))):
                with Dataset(os.path.join(out_dir, name), "w") as dst:
                    copy(src, dst, None, lambda v, a: a[lo:hi] if src[v].dimensions[:1] == ("time",) else a)
                    for v in dst.variables:
                        if hi == m + 1 and v != "time" and dst[v].dimensions[:1] == ("time",):
                            dst[v][m] = dst[v][m] * 2 + 1
    return 0


def copy(src, dst, skip, transform=lambda v, a: a):
    dst.setncatts({k: src.getncattr(k) for k in src.ncattrs()})
    for name, dim in src.dimensions.items():
        dst.createDimension(name, None if dim.isunlimited() else len(dim))
    for name, var in src.variables.items():
        if name == skip:
            continue
        fill = var.getncattr("_FillValue") if "_FillValue" in var.ncattrs() else None
        out = dst.createVariable(name, var.datatype, var.dimensions, fill_value=fill)
        out.setncatts({k: var.getncattr(k) for k in var.ncattrs() if k != "_FillValue"})
        out.set_auto_maskandscale(False)
        var.set_auto_maskandscale(False)
        out.set_auto_chartostring(False)  # labels copied as bytes (they declare _Encoding)
        var.set_auto_chartostring(False)
        out[:] = transform(name, var[:])


def drop(src_path, dst_path, variable):
    with Dataset(src_path) as src, Dataset(dst_path, "w") as dst:
        copy(src, dst, variable)
    return 0


def same(a, b):
    ra, rb = read_csv(a), read_csv(b)
    differ = sum(x != y for x, y in zip(ra, rb)) + abs(len(ra) - len(rb))
    print(f"{len(ra)} and {len(rb)} rows, {differ} differ")
    return 0 if ra and differ == 0 else 1


def joint(report_dir, run_dir, dom_path):
    """The joint-control tables: each receptor's split sums to 100 %; its local part is what the
    unit tags of its own counties give, computed here from the receptor and domain files; each
    row of the city matrix sums to 100 %."""
    conc, contrib, labels, recs, species = load(run_dir)
    s = species.index("pm25")
    with Dataset(dom_path) as d:
        d.set_auto_chartostring(False)  # chartostring below decodes
        codes = [str(x) for x in chartostring(d["unit_code"][:])]
        county = d["unit_county"][:]
        names = [str(x) for x in chartostring(d["receptor_name"][:])]
        rc = d["receptor_county"][:]
    split_rows, matrix = read_csv(os.path.join(report_dir, "split.csv")), read_csv(os.path.join(report_dir, "city_matrix.csv"))
    bad, sums = [], {}
    for row in split_rows:
        sums[(row["receptor"], row["days"])] = sums.get((row["receptor"], row["days"]), 0) + float(row["share_percent"])
    bad += [f"split {k}: {v!r} %" for k, v in sums.items() if abs(v - 100) > 1e-9]
    for row in (x for x in split_rows if x["part"] == "local" and x["days"] == "all"):
        r = recs.index(row["receptor"])
        own = {int(c) for c in rc[names.index(row["receptor"])] if c > 0}
        # a unit tag's label is '<family>:<unit code>' (model/tags.c)
        idx = [n for n, lab in enumerate(labels) if lab.split(":", 1)[1] in codes
               and int(county[codes.index(lab.split(":", 1)[1])]) in own]
        want = contrib[:, r, s, idx].sum(axis=-1).mean()
        if abs(float(row["mean_ug_m3"]) - want) > 1e-12 * abs(conc[:, r, s].mean()):
            bad.append(f"local {row['receptor']}: table {row['mean_ug_m3']}, receptor files {want!r}")
    msum = {}
    for row in matrix:
        msum[row["receptor"]] = msum.get(row["receptor"], 0) + float(row["share_percent"])
    bad += [f"matrix {k}: {v!r} %" for k, v in msum.items() if abs(v - 100) > 1e-9]
    print(f"{len(sums)} splits, {len(msum)} matrix rows, {len(bad)} wrong" + "".join("\n# " + b for b in bad[:5]))
    return 0 if sums and msum and not bad else 1


def main():
    what, args = sys.argv[1], sys.argv[2:]
    commands = {"page": page, "numbers": numbers, "split": split, "drop": drop, "same": same, "joint": joint}
    if what not in commands:
        sys.exit(__doc__)
    return commands[what](*args)


if __name__ == "__main__":
    sys.exit(main())
