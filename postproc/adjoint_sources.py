#!/usr/bin/python3
"""Receptor-oriented attribution tables from backward runs (issue 15, items 4 and 5).

usage: adjoint_sources.py --sources RUN_adjoint_sources.csv [--parent PARENT_adjoint_sources.csv]
                          --domain DOMAIN.nc [--outer-domain OUTER_DOMAIN.nc] --out DIR [--start UTC]

A backward run writes <run_name>_adjoint_sources.csv (model/adjoint_sources.h): for each receptor
functional (RECEPTOR:SPECIES:H0-H1h, RECEPTOR a receptor of the domain file or a point such as
87.62E43.83N: the labels are taken as they are, a point needs no entry of the domain), the
contribution of every control unit, sector and emitted species (gridded, and per stack), of the
initial state, of the inflow by side and of the air above the top. A nested
child's initial state and inflow come from its parent (rows initial:parent, inflow:parent:*);
the parent run repeated with adjoint_handoff_file = <child>_adjoint_handoff.nc writes the same
table for the child's functionals, crediting that air to the parent's own sources. With
--parent, the child's rows from the parent are replaced by the parent's rows, so every unit of
the outer domain gets its exact share; a unit present in both domains sums its two parts.

Writes into DIR (UTF-8 with a byte-order mark, full precision, each file complete when renamed):
  adjoint_sources.csv      every row, combined: contribution, and its inner / outer parts
  adjoint_units.csv        per functional and control unit (all sectors, species and stacks)
  adjoint_prefectures.csv  per functional and prefecture
  adjoint_sectors.csv      per functional and sector
  adjoint_unit_sectors.csv per functional, control unit and sector (the sector x unit table)
  adjoint_tables.json      the three summaries
  adjoint_section.html     the report's section (postproc/report.py --adjoint DIR): per functional
                           the units ranked, and the prefectures and sectors; a receptor's
                           shorter windows (adjoint_daily: each Beijing day, dated with --start)
                           in a table of their own under its widest
Every summary also lists the initial state, the inflow from beyond the outer domain and the top,
so that its shares sum to 100 %. It fails (exit 1, one line naming the file) on a table that does
not parse, a parent table without the child's functionals, or a functional whose rows do not sum
to its J to 1e-9."""
import argparse
import csv
import datetime
import html
import json
import os
import sys
import tempfile

from netCDF4 import Dataset

HEADER = ["functional", "source", "unit", "sector", "species", "emission_t_per_year", "contribution_ug_m3"]
SUM_TOLERANCE = 1e-9  # relative to J; the model's own sums are ~1e-14
SPECIAL = {"initial": ("初始条件", "initial state"), "inflow": ("外层区域以外入流", "inflow from beyond the outer domain"),
           "top": ("模式顶以上", "air above the model top")}


def fail(message):
    print(f"adjoint_sources.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def read_table(path):
    """{functional: {'J': value, 'rows': [(source, unit, sector, species, emission, value)]}}"""
    if not os.path.isfile(path):
        fail(f"{path}: no such file")
    out = {}
    with open(path, encoding="utf-8", newline="") as f:
        rd = csv.reader(f)
        header = next(rd, None)
        if header != HEADER:
            fail(f"{path}:1: header {header}; expected {','.join(HEADER)}")
        for line, row in enumerate(rd, start=2):
            if len(row) != len(HEADER):
                fail(f"{path}:{line}: {len(row)} columns; expected {len(HEADER)}")
            fn, source, unit, sector, species, emission, value = row
            try:
                v = float(value)
                e = float(emission) if emission else 0.0
            except ValueError:
                fail(f"{path}:{line}: '{value}' or '{emission}' is not a number")
            t = out.setdefault(fn, {"J": None, "rows": []})
            if source == "J":
                t["J"] = v
            else:
                t["rows"].append((source, unit, sector, species, e, v))
    for fn, t in out.items():
        if t["J"] is None:
            fail(f"{path}: functional {fn} has no J row")
    return out


def from_parent(source):
    return source == "initial:parent" or source.startswith("inflow:parent:")


def combine(child, parent):
    """Per functional: J and {(source, unit, sector, species): [emission, inner, outer]}. The
    emission of a row is the outer domain's where it has one (it covers every unit whole), else
    the inner domain's."""
    out = {}
    for fn, t in child.items():
        rows = {}
        took = 0.0
        for source, unit, sector, species, e, v in t["rows"]:
            if parent is not None and from_parent(source):
                took += v
                continue
            r = rows.setdefault((source, unit, sector, species), [0.0, 0.0, 0.0])
            r[0] += e
            r[1] += v
        if parent is not None:
            if fn not in parent:
                fail(f"the parent's table has no functional {fn}: run the parent with "
                     f"adjoint_handoff_file = this child's <run_name>_adjoint_handoff.nc")
            pj = parent[fn]["J"]
            if abs(pj - took) > SUM_TOLERANCE * max(abs(t["J"]), 1e-300):
                fail(f"functional {fn}: the parent run gives {pj!r} ug m-3 from the child's records, the child "
                     f"took {took!r} from its parent: not the same runs")
            outer_e = {}
            for source, unit, sector, species, e, v in parent[fn]["rows"]:
                key = (source, unit, sector, species)
                rows.setdefault(key, [0.0, 0.0, 0.0])[2] += v
                outer_e[key] = outer_e.get(key, 0.0) + e
            for key, e in outer_e.items():
                if e > 0:
                    rows[key][0] = e
        total = sum(r[1] + r[2] for r in rows.values())
        if abs(total - t["J"]) > SUM_TOLERANCE * max(abs(t["J"]), 1e-300):
            fail(f"functional {fn}: the sources sum to {total!r} ug m-3, J is {t['J']!r}")
        out[fn] = {"J": t["J"], "rows": rows, "sum": total}
    return out


def strings(d, name, path):
    if name not in d.variables:
        fail(f"{path}: variable '{name}' is missing (not a bogda-grid domain file)")
    var = d.variables[name]
    var.set_auto_chartostring(False)  # bytes, also where the file declares _Encoding
    return [bytes(row).decode("utf-8", "replace").rstrip("\x00").strip() for row in var[:].filled(b"")]


def read_units(paths):
    """unit code -> (name_zh, name_en, kind, prefecture_zh, prefecture_en), from the domain files."""
    units = {}
    for path in paths:
        if not path:
            continue
        if not os.path.isfile(path):
            fail(f"{path}: no such domain file")
        with Dataset(path) as d:
            code, zh, en = (strings(d, k, path) for k in ("unit_code", "unit_name_zh", "unit_name_en"))
            pzh, pen = strings(d, "prefecture_name_zh", path), strings(d, "prefecture_name_en", path)
            if "unit_kind" not in d.variables or "unit_prefecture" not in d.variables:
                fail(f"{path}: variables unit_kind, unit_prefecture missing (not a bogda-grid domain file)")
            kv = d["unit_kind"]
            kinds = dict(zip([int(v) for v in getattr(kv, "flag_values", [])], getattr(kv, "flag_meanings", "").split()))
            kind, pref = kv[:].tolist(), d["unit_prefecture"][:].tolist()
            for k, c in enumerate(code):
                p = int(pref[k])
                units.setdefault(c, (zh[k], en[k], kinds.get(int(kind[k]), str(kind[k])),
                                     pzh[p] if 0 <= p < len(pzh) else "", pen[p] if 0 <= p < len(pen) else ""))
    return units


def special(source):
    if source.startswith("initial"):
        return "initial"
    if source.startswith("inflow"):
        return "inflow"
    if source == "top":
        return "top"
    return None


def summaries(comb, units):
    """{'units': rows, 'prefectures': rows, 'sectors': rows}, each row a dict; sorted by contribution."""
    out = {"units": [], "prefectures": [], "sectors": []}
    for fn, c in comb.items():
        groups = {"units": {}, "prefectures": {}, "sectors": {}}
        for (source, unit, sector, species), (e, inner, outer) in c["rows"].items():
            v = inner + outer
            sp = special(source)
            if sp:
                zh, en = SPECIAL[sp]
                keys = {g: (sp, zh, en) for g in groups}
            else:
                u = units.get(unit, ("", "", "", "", ""))
                keys = {"units": (unit or "(none)", u[0], u[1]), "prefectures": (u[4] or "(none)", u[3], u[4]),
                        "sectors": (sector, sector, sector)}
            for g, k in keys.items():
                a = groups[g].setdefault(k, [0.0, 0.0, 0.0, 0.0])
                a[0] += v
                a[1] += inner
                a[2] += outer
                a[3] += e
        for g, rows in groups.items():
            for (key, zh, en), (v, inner, outer, e) in sorted(rows.items(), key=lambda kv: -kv[1][0]):
                row = {"functional": fn, "key": key, "name_zh": zh, "name_en": en,
                       "contribution_ug_m3": v, "inner_domain_ug_m3": inner, "outer_domain_ug_m3": outer,
                       "share_percent": 100.0 * v / c["J"] if c["J"] else 0.0, "emission_t_per_year": e}
                if g == "units":
                    u = units.get(key, ("", "", "", "", ""))
                    row.update({"kind": u[2], "prefecture_zh": u[3], "prefecture_en": u[4]})
                out[g].append(row)
    return out


def unit_sector_rows(comb, units):
    """The sector x unit table: per functional, unit and sector (all species and stacks), units in
    the order of their total contribution."""
    out = []
    for fn, c in comb.items():
        cells, total = {}, {}
        for (source, unit, sector, species), (e, inner, outer) in c["rows"].items():
            if special(source):
                continue
            key = unit or "(none)"
            a = cells.setdefault((key, sector), [0.0, 0.0])
            a[0] += inner + outer
            a[1] += e
            total[key] = total.get(key, 0.0) + inner + outer
        for key in sorted(total, key=lambda k: -total[k]):
            u = units.get(key, ("", "", "", "", ""))
            for (k, sector), (v, e) in sorted(cells.items()):
                if k != key:
                    continue
                out.append({"functional": fn, "unit": key, "name_zh": u[0], "name_en": u[1], "kind": u[2],
                            "prefecture_zh": u[3], "prefecture_en": u[4], "sector": sector, "emission_t_per_year": e,
                            "contribution_ug_m3": v, "share_percent": 100.0 * v / c["J"] if c["J"] else 0.0})
    return out


def write_atomic(path, writer, encoding="utf-8-sig"):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-", suffix=os.path.basename(path))
    with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
        writer(f)
    os.replace(tmp, path)


def write_rows(path, rows, columns):
    def w(f):
        wr = csv.writer(f)
        wr.writerow(columns)
        for r in rows:
            wr.writerow([repr(r[c]) if isinstance(r[c], float) else r[c] for c in columns])
    write_atomic(path, w)


TOP = 15  # units listed per functional in the report's section


def span_of(fn):
    """A functional label's receptor, species and window (h0, h1) in hours: RECEPTOR:SPECIES:H0-H1h."""
    rec, spec, window = fn.rsplit(":", 2)
    h0, h1 = (float(x) for x in window[:-1].split("-"))
    return rec, spec, h0, h1


def daily_table(days, s, start):
    """The compact table of one receptor's shorter windows (adjoint_daily: each Beijing day): the
    window (its Beijing date with start), the value and the three units that give most."""
    e = html.escape
    out = ["<h4>逐日 Each Beijing day (UTC+8; adjoint_daily)</h4><table><tr><th>日期 Day</th><th>µg/m³</th>"
           "<th>贡献最大的单元 The units giving most (%)</th></tr>"]
    for fn, c in days:
        _, _, h0, h1 = span_of(fn)
        when = f"{h0:g}-{h1:g} h"
        if start is not None:
            d0 = start + datetime.timedelta(hours=h0 + 8)
            when = d0.strftime("%Y-%m-%d") + ("" if h1 - h0 == 24 else f" ({h1 - h0:g} h)")
        top = [r for r in s["units"] if r["functional"] == fn and not special(r["key"])][:3]
        out.append(f"<tr><td>{e(when)}</td><td>{c['J']:.3g}</td><td>"
                   + "; ".join(f"{e(r['name_zh'])} {e(r['name_en'])} {r['share_percent']:.1f}" for r in top)
                   + "</td></tr>")
    out.append("</table>")
    return out


def section(comb, s, combined, crossed=(), start=None):
    """The report's section: an HTML fragment, both languages, every number from the CSV tables.
    A receptor's functionals over shorter windows than its widest (each Beijing day's) go into a
    compact table under the widest one's; start (a datetime, UTC) dates them."""
    e = html.escape
    def num(v):
        return f"{v:.3g}"
    kinds = {"priority_protection": "优先保护 priority protection", "key_control": "重点管控 key control",
             "general_control": "一般管控 general control"}
    units = [r for r in s["units"] if not special(r["key"])]
    n_units = len({r["key"] for r in units if r["key"] != "(none)"})
    worst = max(abs(c["sum"] - c["J"]) / max(abs(c["J"]), 1e-300) for c in comb.values())
    out = ['<section id="adjoint">',
           "<h2>逐单元溯源（伴随反向模拟）Every control unit, from backward (adjoint) runs</h2>",
           '<p class="note">每个受体函数（区域、城市或某一经纬度点所在网格在分析期内的平均 PM2.5）都由一次反向模拟得到其对每个网格、每个排放源的精确敏感度，'
           "因而每个控制单元、行业和点源的贡献都得到分辨，而不限于正向标记所分辨的单元。"
           + ("内层区域从外层区域流入（边界和初始状态）的部分交给外层区域的反向模拟，记入外层区域的各个源。" if combined else "")
           + " Each receptor functional (a zone's, a city's or a lon/lat point's grid cell's mean PM2.5 over the analysis "
           "period) gets, from one backward "
           "run of the tagged model's exact transpose, its sensitivity to every emission of every cell, so every control "
           "unit, sector and stack has its share, not only the units the forward tags resolve"
           + (", and the air that came into the inner domain from the outer one (through its edges and in its starting "
              "state) is handed to a backward run of the outer domain and credited to the outer domain's own sources"
              if combined else "")
           + f". {n_units} units have emissions here; each functional's sources sum to its value to {worst:.1e} "
           "(adjoint_sources.csv). The tables: adjoint_units.csv, adjoint_prefectures.csv, adjoint_sectors.csv.</p>"]
    widest, shorter = {}, {}
    for fn in comb:
        rec, spec, h0, h1 = span_of(fn)
        if h1 - h0 > widest.get((rec, spec), (None, -1.0))[1]:
            widest[(rec, spec)] = (fn, h1 - h0)
    for fn, c in comb.items():
        rec, spec, _, _ = span_of(fn)
        if widest[(rec, spec)][0] != fn:
            shorter.setdefault(widest[(rec, spec)][0], []).append((fn, c))
    for fn, c in comb.items():
        rec, spec, _, _ = span_of(fn)
        if widest[(rec, spec)][0] != fn:
            continue
        rows = [r for r in units if r["functional"] == fn]
        spec = [r for r in s["units"] if r["functional"] == fn and special(r["key"])]
        out.append(f"<h3>{e(fn)}: {num(c['J'])} µg/m³</h3>")
        out.append("<table><tr><th>#</th><th>单元 Unit</th><th>类型 Kind</th><th>地州 Prefecture</th>"
                   "<th>µg/m³</th><th>%</th></tr>")
        for k, r in enumerate(rows[:TOP], start=1):
            out.append(f"<tr><td>{k}</td><td>{e(r['name_zh'])} {e(r['name_en'])} ({e(r['key'])})</td>"
                       f"<td>{e(kinds.get(r['kind'], r['kind']))}</td><td>{e(r['prefecture_zh'])} {e(r['prefecture_en'])}</td>"
                       f"<td>{num(r['contribution_ug_m3'])}</td><td>{r['share_percent']:.2f}</td></tr>")
        rest = rows[TOP:]
        if rest:
            v = sum(r["contribution_ug_m3"] for r in rest)
            out.append(f"<tr><td></td><td>其余 {len(rest)} 个单元 the other {len(rest)} units</td><td></td><td></td>"
                       f"<td>{num(v)}</td><td>{100 * v / c['J']:.2f}</td></tr>")
        for r in spec:
            out.append(f"<tr><td></td><td>{e(r['name_zh'])} {e(r['name_en'])}</td><td></td><td></td>"
                       f"<td>{num(r['contribution_ug_m3'])}</td><td>{r['share_percent']:.2f}</td></tr>")
        out.append("</table>")
        top = [r["key"] for r in rows[:10]]
        cross = [r for r in crossed if r["functional"] == fn and r["unit"] in top]
        sectors = sorted({r["sector"] for r in cross})
        if cross:
            cell = {(r["unit"], r["sector"]): r["share_percent"] for r in cross}
            out.append("<h4>单元 × 行业 Unit × sector (% of the functional; adjoint_unit_sectors.csv)</h4><table><tr>"
                       "<th>单元 Unit</th>" + "".join(f"<th>{e(x)}</th>" for x in sectors) + "</tr>")
            names = {r["key"]: r for r in rows[:10]}
            for u in top:
                out.append(f"<tr><td>{e(names[u]['name_zh'])} ({e(u)})</td>"
                           + "".join(f"<td>{cell[(u, x)]:.2f}</td>" if (u, x) in cell else "<td></td>" for x in sectors)
                           + "</tr>")
            out.append("</table>")
        pref = [r for r in s["prefectures"] if r["functional"] == fn and not special(r["key"])][:8]
        sect = [r for r in s["sectors"] if r["functional"] == fn and not special(r["key"])]
        out.append("<p>地州 Prefectures: " + "; ".join(f"{e(r['name_zh'])} {r['share_percent']:.1f} %" for r in pref)
                   + "</p><p>行业 Sectors: " + "; ".join(f"{e(r['key'])} {r['share_percent']:.1f} %" for r in sect) + "</p>")
        if fn in shorter:
            out.extend(daily_table(sorted(shorter[fn], key=lambda x: span_of(x[0])[2]), s, start))
    out.append("</section>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", required=True, help="the (child) run's <run_name>_adjoint_sources.csv")
    ap.add_argument("--parent", help="the parent's hand-off run's <run_name>_adjoint_sources.csv")
    ap.add_argument("--domain", required=True, help="the run's domain file (unit names, kinds, prefectures)")
    ap.add_argument("--outer-domain", help="the parent's domain file (units outside the inner domain)")
    ap.add_argument("--out", required=True, help="folder for the tables")
    ap.add_argument("--start", help="the run's start, UTC (2024-01-12T16:00:00Z): the days' tables show Beijing dates")
    a = ap.parse_args()
    start = None
    if a.start:
        try:
            start = datetime.datetime.strptime(a.start, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            fail(f"--start {a.start}: expected a UTC time such as 2024-01-12T16:00:00Z")
    if not os.path.isdir(a.out):
        fail(f"{a.out}: no such folder")
    child = read_table(a.sources)
    parent = read_table(a.parent) if a.parent else None
    comb = combine(child, parent)
    units = read_units([a.domain, a.outer_domain])
    rows = []
    for fn, c in comb.items():
        for (source, unit, sector, species), (e, inner, outer) in c["rows"].items():
            rows.append({"functional": fn, "source": source, "unit": unit, "sector": sector, "species": species,
                         "emission_t_per_year": e, "contribution_ug_m3": inner + outer, "inner_domain_ug_m3": inner,
                         "outer_domain_ug_m3": outer})
        rows.append({"functional": fn, "source": "J", "unit": "", "sector": "", "species": "",
                     "emission_t_per_year": 0.0, "contribution_ug_m3": c["J"], "inner_domain_ug_m3": c["J"],
                     "outer_domain_ug_m3": 0.0})
    write_rows(os.path.join(a.out, "adjoint_sources.csv"), rows,
               ["functional", "source", "unit", "sector", "species", "emission_t_per_year", "contribution_ug_m3",
                "inner_domain_ug_m3", "outer_domain_ug_m3"])
    s = summaries(comb, units)
    base = ["functional", "key", "name_zh", "name_en", "emission_t_per_year", "contribution_ug_m3",
            "inner_domain_ug_m3", "outer_domain_ug_m3", "share_percent"]
    write_rows(os.path.join(a.out, "adjoint_units.csv"), s["units"],
               base[:4] + ["kind", "prefecture_zh", "prefecture_en"] + base[4:])
    write_rows(os.path.join(a.out, "adjoint_prefectures.csv"), s["prefectures"], base)
    write_rows(os.path.join(a.out, "adjoint_sectors.csv"), s["sectors"], base)
    write_atomic(os.path.join(a.out, "adjoint_tables.json"),
                 lambda f: json.dump({"functionals": {fn: {"J": c["J"], "sum": c["sum"]} for fn, c in comb.items()},
                                      **s}, f, ensure_ascii=False, indent=1), encoding="utf-8")
    crossed = unit_sector_rows(comb, units)
    write_rows(os.path.join(a.out, "adjoint_unit_sectors.csv"), crossed,
               ["functional", "unit", "name_zh", "name_en", "kind", "prefecture_zh", "prefecture_en", "sector",
                "emission_t_per_year", "contribution_ug_m3", "share_percent"])
    write_atomic(os.path.join(a.out, "adjoint_section.html"),
                 lambda f: f.write(section(comb, s, parent is not None, crossed, start)), encoding="utf-8")
    for fn, c in comb.items():
        nunits = sum(1 for r in s["units"] if r["functional"] == fn and not special(r["key"]))
        print(f"{fn}: J = {c['J']:.12e} ug m-3; {nunits} units; the sources sum to {c['sum']:.12e} "
              f"({abs(c['sum'] - c['J']) / max(abs(c['J']), 1e-300):.1e} relative)")


if __name__ == "__main__":
    main()
