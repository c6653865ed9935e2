"""Joint-control views of the attribution report (postproc/report.py): the cities of each zone.

A zone is a receptor of the domain file (WCS, KDW, YN); its cities are the receptors named
'ZONE.City' (namelists/domains.nml), each the urban land of its counties, which the domain file
lists in receptor_county (county adcodes). From the run's tag family by control unit:

  city_matrix   per zone, the PM2.5 that each source city (the control units of its counties)
                gives to each receptor city of the zone, and to the zone as a whole;
  split         at every receptor, PM2.5 split into: local (the units of its own counties), the
                rest of its zone, the rest of Xinjiang, the zone's prefectures known by prefecture
                only (air that a nested run's parent brought in through the edges or at the start,
                or a prefecture the tags do not resolve into units), outside Xinjiang (regions beyond the border
                inside the model domains), inflow from beyond the outer domain, and the initial
                state; over the whole period and over the days above the GB 3095-2012 limit;
  unit_map      per zone, a choropleth map of each control unit's contribution.

Every row keeps full precision (the CSV files); each split sums to the bulk exactly as the tags
do (the closure). Needs what report.py needs (numpy, matplotlib)."""
import os

import numpy as np

PARTS = [("local", "本地", "local (its own counties)"),
         ("zone", "区内其他城市", "rest of the zone"),
         ("xinjiang", "新疆其他地区", "rest of Xinjiang"),
         ("prefecture", "区内地州（仅按地州：经边界流入）", "the zone's prefectures, known by prefecture only"),
         ("outside", "境外及区外", "outside Xinjiang"),
         ("inflow", "外层区域以外入流", "inflow from beyond the outer domain"),
         ("initial", "初始条件", "initial state"),
         ("other", "其他", "other (unassigned)")]
COLUMNS = {
    "city_matrix": ["zone", "receptor", "receptor_zh", "receptor_en", "source", "source_zh", "source_en",
                    "mean_ug_m3", "share_percent"],
    "split": ["receptor", "receptor_zh", "receptor_en", "days", "part", "part_zh", "part_en", "mean_ug_m3",
              "share_percent"],
}


def zones(rec):
    """{zone receptor index: [its city receptor indices]} for the zones that have cities."""
    names = list(rec["receptor"])
    out = {}
    for r, name in enumerate(names):
        if "." in name and name.split(".", 1)[0] in names:
            out.setdefault(names.index(name.split(".", 1)[0]), []).append(r)
    return out


def zone_of(zs, r):
    """The zone receptor index of receptor r (itself for a zone) among zones zs, None for none."""
    for z, cities in zs.items():
        if r == z or r in cities:
            return z
    return None


def counties(dom, rec, r):
    """The county adcodes of receptor r (the domain file's receptor_county row)."""
    k = list(dom["receptor_name"]).index(rec["receptor"][r])
    return {int(c) for c in dom["receptor_county"][k] if c > 0}


def part_of(tags, n, own, zone):
    """The split part of tag n for a receptor whose counties are own, in a zone of counties zone."""
    special = tags.meta["special"][n]
    if special == tags.special["initial"]:
        return "initial"
    if special == tags.special["inflow"]:
        return "inflow"
    if special != tags.special["emissions"]:
        return "other"
    if tags.is_outside(n):
        return "outside"
    u = tags.unit(n)
    if u >= 0:
        county = int(tags.dom["unit_county"][u])
        return "local" if county in own else "zone" if county in zone else "xinjiang"
    q = tags.meta["prefecture"][n]
    if q >= 0:
        # A prefecture tag (air a nested run's parent brought in through the edges or at the start,
        # or a prefecture the family does not resolve): the rest of Xinjiang when none of the
        # prefecture's counties is in the zone, else known by prefecture only.
        dom = tags.dom
        mine = {int(c) for c, p in zip(dom["unit_county"], dom["unit_prefecture"]) if p == q}
        return "prefecture" if mine & (own | zone) else "xinjiang"
    return "other"


def _mean(rec, idx):
    """Bulk and tag means of PM2.5 over the records idx (all when None)."""
    s = rec["species"].index("pm25")
    conc, contrib = rec["conc"][:, :, s], rec["contrib"][:, :, s, :]
    if idx is not None:
        conc, contrib = conc[idx], contrib[idx]
    return conc.mean(axis=0), contrib.mean(axis=0)


def split_rows(rec, tags, dom, heavy_idx):
    """The split of every receptor of a zone, over the period and over its days above the limit
    (heavy_idx: {receptor: record indices})."""
    fam = tags.family("unit", "unit_sector")
    if not fam:
        return []
    rows = []
    zs = zones(rec)
    for r, receptor in enumerate(rec["receptor"]):
        z = zone_of(zs, r)
        if z is None:
            continue
        own = counties(dom, rec, r)
        zone = set().union(*(counties(dom, rec, c) for c in zs[z])) | counties(dom, rec, z)
        periods = [("all", None)] + ([("above_limit", heavy_idx[receptor])] if heavy_idx.get(receptor) else [])
        for days, idx in periods:
            bulk, tag = _mean(rec, idx)
            sums = {p[0]: 0.0 for p in PARTS}
            for n in fam[2]:
                sums[part_of(tags, n, own, zone)] += tag[r, n]
            for key, zh, en in PARTS:
                if key == "zone" and r == z:
                    continue
                rows.append({"receptor": receptor, "receptor_zh": rec["receptor_zh"][r],
                             "receptor_en": rec["receptor_en"][r], "days": days, "part": key, "part_zh": zh,
                             "part_en": en, "mean_ug_m3": sums[key],
                             "share_percent": 100 * sums[key] / bulk[r] if bulk[r] > 0 else float("nan")})
    return rows


def matrix_rows(rec, tags, dom):
    """Per zone: every (receptor city or the zone, source city) pair, the source city being the
    resolved control units of its counties; then what no city of the zone holds, as one row."""
    fam = tags.family("unit", "unit_sector")
    if not fam:
        return []
    bulk, tag = _mean(rec, None)
    rows = []
    for z, cities in zones(rec).items():
        source = {c: counties(dom, rec, c) for c in cities}
        for r in [z] + cities:
            total = 0.0
            for c in cities:
                v = sum(tag[r, n] for n in fam[2] if tags.unit(n) >= 0 and not tags.is_outside(n)
                        and int(dom["unit_county"][tags.unit(n)]) in source[c])
                total += v
                rows.append(_matrix_row(rec, z, r, rec["receptor"][c], rec["receptor_zh"][c], rec["receptor_en"][c],
                                        v, bulk[r]))
            rows.append(_matrix_row(rec, z, r, "rest", "区外其他来源", "everything else (outside the zone's cities)",
                                    bulk[r] - total, bulk[r]))
    return rows


def _matrix_row(rec, z, r, key, zh, en, value, bulk):
    return {"zone": rec["receptor"][z], "receptor": rec["receptor"][r], "receptor_zh": rec["receptor_zh"][r],
            "receptor_en": rec["receptor_en"][r], "source": key, "source_zh": zh, "source_en": en,
            "mean_ug_m3": value, "share_percent": 100 * value / bulk if bulk > 0 else float("nan")}


def unit_contribution(rec, tags, r):
    """{unit index: episode-mean PM2.5 contribution at receptor r} over the resolved units."""
    fam = tags.family("unit", "unit_sector")
    out = {}
    if fam:
        _, tag = _mean(rec, None)
        for n in fam[2]:
            u = tags.unit(n)
            if u >= 0:
                out[u] = out.get(u, 0.0) + tag[r, n]
    return out


def unit_map(out, rep, z, plt, draw):
    """The choropleth of every resolved unit's contribution to zone z (PNG file name), drawn on
    each cell's dominant unit; cells of units the tags do not resolve are left blank."""
    rec, dom = rep["rec"], rep["dom"]
    values = unit_contribution(rec, rep["tags"], z)
    field = np.full(dom["dominant"].shape, np.nan)
    for u, v in values.items():
        field[dom["dominant"] == u] = v
    field[field <= 0] = np.nan
    fig, ax = plt.subplots(figsize=(10, 5.5))
    zh, en = rec["receptor_zh"][z], rec["receptor_en"][z]
    draw(ax, field, f"{zh} 各控制单元的 PM2.5 贡献 / {en}: PM2.5 from each control unit\n{rep['period']}")
    path = os.path.join(out, f"units_{rec['receptor'][z]}.png")
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return os.path.basename(path)


def section(rep, cells, bi, esc):
    """The joint-control section of the page: per zone its map, the split of each city and the
    city x city matrix (shares of the receptor's PM2.5), every number a cell of a CSV table."""
    rec = rep["rec"]
    if not rep.get("split"):
        return []
    parts = ['<section id="joint-control"><h2>联防联控 Joint control: 区内城市 the cities of each zone</h2>',
             '<p class="note">每个城市为其县（市、区）的城市建设用地；"本地"为该城市各县控制单元的贡献。 Each city is the urban '
             "land of its counties; 'local' is what the control units of those counties give. Shares are of the "
             "receptor's mean PM2.5 over the period; each row of a split sums to 100 % as the tags close.</p>"]
    split = {(x["receptor"], x["days"], x["part"]): x for x in rep["split"]}
    matrix = {(x["receptor"], x["source"]): x for x in rep["city_matrix"]}
    for z, cities in zones(rec).items():
        zone = rec["receptor"][z]
        parts.append(f'<h3 id="joint-{esc(zone)}">{bi(rec["receptor_zh"][z], rec["receptor_en"][z])}</h3>')
        if rep["unit_maps"].get(zone):
            parts.append(f'<img src="{rep["unit_maps"][zone]}" alt="unit contributions {esc(zone)}" width="900">')
        present = [p for p in PARTS if any((rec["receptor"][r], "all", p[0]) in split for r in [z] + cities)]
        head = "".join(f"<th>{bi(zh, en)}</th>" for _, zh, en in present)
        body = []
        for r in [z] + cities:
            for days in ("all", "above_limit"):
                row = [split.get((rec["receptor"][r], days, p[0])) for p in present]
                if not any(row):
                    continue
                label = bi(rec["receptor_zh"][r], rec["receptor_en"][r]) + ("" if days == "all" else " (超标日 days above 75)")
                body.append(f"<tr><td>{label}</td>" + "".join(cells.ref(x, "share_percent", "td") if x else "<td></td>"
                                                              for x in row) + "</tr>")
        parts += ["<h4>来源构成 Where the PM2.5 comes from (%)</h4>",
                  f"<table><tr><th>受体 Receptor</th>{head}</tr>" + "".join(body) + "</table>"]
        sources = cities + ["rest"]
        head = "".join(f"<th>{esc(rec['receptor_zh'][c]) if c != 'rest' else '其他 rest'}</th>" if c != "rest" else
                       "<th>其他 everything else</th>" for c in sources)
        body = []
        for r in [z] + cities:
            row = [matrix.get((rec["receptor"][r], rec["receptor"][c] if c != "rest" else "rest")) for c in sources]
            body.append(f"<tr><td>{bi(rec['receptor_zh'][r], rec['receptor_en'][r])}</td>"
                        + "".join(cells.ref(x, "share_percent", "td") if x else "<td></td>" for x in row) + "</tr>")
        parts += ["<h4>城市 × 城市 Source city (columns) × receptor city (rows), % of the receptor's PM2.5</h4>",
                  f"<table><tr><th>受体＼来源 Receptor \\ source</th>{head}</tr>" + "".join(body) + "</table>"]
    return parts + ["</section>"]
