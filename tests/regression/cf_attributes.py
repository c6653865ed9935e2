"""The CF attributes and the provenance of the files the programs write, read with netCDF4.

Usage: cf_attributes.py CHECK FILE [ARGS...] -- FORBIDDEN...
Every check prints one line and exits non-zero on the first failure; FORBIDDEN are text pieces
(the scratch folder's and the source tree's absolute paths) that no attribute may hold.
  common FILE       Conventions CF-1.8, history '<UTC time> <program> ...', source, bogda_version,
                    cf_role only from CF's vocabulary, _Encoding utf-8 on every character
                    variable, and no attribute (global or of a variable) holding a forbidden text
  run FILE          a model output: no namelist key as a global attribute, the effective namelist
                    named beside it (and there), meteorology, emissions and the domain's
                    source_data named
  receptors FILE    cf_role timeseries_id, _Encoding utf-8 on every character variable, flag_values
                    and flag_meanings on tag_kind and tag_special
  history FILE      pm25 has a long_name and not the ambient-aerosol standard name
  inventory FILE    long_name and cell_methods 'time: mean' on every emission field, lat/lon cell
                    bounds that are the cells' edges, source_data
  domain FILE       source_data names the shipped data; no config_ value holds a forbidden text
"""
import os
import re
import sys

import numpy as np
from netCDF4 import Dataset


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def texts(nc):
    """Every text attribute of the file: (owner, name, value)."""
    for owner in [nc] + list(nc.variables.values()):
        label = getattr(owner, "name", "global") if owner is not nc else "global"
        for a in owner.ncattrs():
            v = owner.getncattr(a)
            if isinstance(v, str):
                yield label, a, v


def common(path, forbidden):
    with Dataset(path) as nc:
        g = {a: nc.getncattr(a) for a in nc.ncattrs()}
        if g.get("Conventions") != "CF-1.8":
            fail(f"{path}: Conventions = {g.get('Conventions')!r}")
        for a in ("history", "source", "bogda_version"):
            if not g.get(a):
                fail(f"{path}: no global attribute {a}")
        if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ bogda(-grid|-inventory)? ", g["history"]):
            fail(f"{path}: history {g['history']!r} is not '<UTC time> <program> <arguments>'")
        roles = {v.name: v.cf_role for v in nc.variables.values() if "cf_role" in v.ncattrs()}
        if set(roles.values()) - {"timeseries_id", "profile_id", "trajectory_id"}:
            fail(f"{path}: cf_role outside the CF-1.8 vocabulary: {roles}")
        chars = [v.name for v in nc.variables.values()
                 if v.dtype == np.dtype("S1") and getattr(v, "_Encoding", None) != "utf-8"]
        if chars:
            fail(f"{path}: character variables without _Encoding = utf-8: {chars}")
        for owner, a, v in texts(nc):
            for f in forbidden:
                if f in v:
                    fail(f"{path}: {owner}:{a} holds the absolute path {f}: {v!r}")
    print(f"{os.path.basename(path)}: CF-1.8, history, source, bogda_version, utf-8 labels; no absolute path")


def run(path, forbidden):
    with Dataset(path) as nc:
        g = nc.ncattrs()
        # met_output's own met_source (the source's name) is not a namelist dump.
        keys = [a for a in g if re.match(r"^(run|met|emissions|tags|output)_", a) and a != "met_source"]
        if keys:
            fail(f"{path}: namelist keys as global attributes: {keys[:5]}")
        eff = nc.getncattr("bogda_effective_namelist")
        if os.path.basename(eff) != eff or not os.path.isfile(os.path.join(os.path.dirname(path), eff)):
            fail(f"{path}: bogda_effective_namelist {eff!r} is not a file beside it")
        for a in ("meteorology", "emissions", "source_data"):
            if a not in g:
                fail(f"{path}: no global attribute {a}")
        if "ETOPO5" not in nc.getncattr("source_data"):
            fail(f"{path}: source_data does not name the domain's data")
        met = nc.getncattr("meteorology")
    print(f"{os.path.basename(path)}: provenance, not the {len(keys)} keys; effective namelist {eff}; meteorology '{met.split(':')[0]}'")


def receptors(path, forbidden):
    with Dataset(path) as nc:
        ids = [v.name for v in nc.variables.values() if getattr(v, "cf_role", None) == "timeseries_id"]
        if len(ids) != 1 or nc.variables[ids[0]].dimensions[0] != "receptor":
            fail(f"{path}: timeseries_id variables {ids}")
        chars = [v for v in nc.variables.values() if v.dtype == np.dtype("S1")]
        bad = [v.name for v in chars if getattr(v, "_Encoding", None) != "utf-8"]
        if not chars or bad:
            fail(f"{path}: character variables without _Encoding = utf-8: {bad}")
        for name in ("tag_kind", "tag_special"):
            v = nc.variables[name]
            vals, means = np.atleast_1d(v.flag_values), v.flag_meanings.split()
            if len(vals) != len(means) or not set(np.unique(v[:])) <= set(vals.tolist()):
                fail(f"{path}: {name} values {np.unique(v[:])} not all in flag_values {vals}")
        zh = [str(s) for s in nc.variables["receptor_name_zh"][:]]
    print(f"{os.path.basename(path)}: timeseries_id {ids[0]}, {len(chars)} utf-8 character variables ({', '.join(zh)}), tag flags")


def history(path, forbidden):
    with Dataset(path) as nc:
        v = nc.variables["pm25"]
        std, lname = getattr(v, "standard_name", ""), v.long_name
    if "ambient" in std or "dry" not in lname:
        fail(f"{path}: pm25 standard_name {std!r}, long_name {lname!r}")
    print(f"{os.path.basename(path)}: pm25 '{lname}', no ambient standard name")


def inventory(path, forbidden):
    with Dataset(path) as nc:
        fields = [v for v in nc.variables.values() if v.dimensions == ("lat", "lon")]
        for v in fields:
            if not getattr(v, "long_name", "") or "time: mean" not in getattr(v, "cell_methods", ""):
                fail(f"{path}: {v.name} long_name/cell_methods missing")
        for axis in ("lat", "lon"):
            c = nc.variables[axis]
            b = nc.variables[c.bounds][:]
            if b.shape != (c.size, 2) or not np.allclose(b.mean(axis=1), c[:], atol=1e-9) \
                    or not np.allclose(b[1:, 0], b[:-1, 1], atol=0):
                fail(f"{path}: {c.bounds} are not the edges of the {axis} cells")
        if "etopo5" not in nc.getncattr("source_data"):
            fail(f"{path}: source_data {nc.getncattr('source_data')!r}")
    print(f"{os.path.basename(path)}: {len(fields)} fields with long_name and cell_methods, lat/lon bounds")


def domain(path, forbidden):
    with Dataset(path) as nc:
        sd = nc.getncattr("source_data")
        if "ETOPO5" not in sd or "DCW" not in sd:
            fail(f"{path}: source_data {sd!r}")
    print(f"{os.path.basename(path)}: source_data names the shipped data")


if __name__ == "__main__":
    args = sys.argv[1:]
    cut = args.index("--") if "--" in args else len(args)
    check, files, forbidden = args[0], args[1:cut], args[cut + 1:]
    for f in files:
        {"common": common, "run": run, "receptors": receptors, "history": history,
         "inventory": inventory, "domain": domain}[check](f, forbidden)
