#!/usr/bin/python3
"""Pictures of a run's meteorology, from the file a met source writes (&met output = 'FILE').

    /usr/bin/python3 postproc/plot_met.py MET.nc --domain DOMAIN.nc [--day YYYY-MM-DD]
        [--utc-offset 6] [--site NAME,LON,LAT] [--box LON0,LON1,LAT0,LAT1] [-o OUTDIR]

Draws, for the chosen day (default: the second day of the file):
  met_winds_<HH>LT.png  the wind in the lowest layer and at 1500 m above ground (arrows,
                        coloured by speed) over the terrain of the domain file, around the site,
                        at 06 and 14 local time;
  met_profiles.png      the vertical profiles of potential temperature and Kz at the site
                        (default Urumqi, 87.62 E 43.83 N) at 06 and 14 local time, with the
                        boundary-layer height marked.
Local time is UTC + utc_offset hours (default 6, Xinjiang time; Beijing time is 8). Heights above
ground come from the file's zmid (layer centres) and zface (layer tops); the winds at 1500 m are
interpolated linearly in height in each column. Prints the file names it wrote.
Needs Debian's python3-numpy, python3-matplotlib and python3-netcdf4.
"""
import argparse
import datetime
import os
import sys

import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from netCDF4 import Dataset, num2date  # noqa: E402


def fail(msg):
    sys.exit(f"plot_met.py: error: {msg}")


def read(path, names):
    if not os.path.exists(path):
        fail(f"{path}: no such file")
    out = {}
    with Dataset(path) as nc:
        for n in names:
            if n not in nc.variables:
                fail(f"{path}: no variable '{n}'")
            out[n] = nc.variables[n][:]
        if "time" in names:
            t = nc.variables["time"]
            out["dates"] = num2date(t[:], t.units, getattr(t, "calendar", "standard"),
                                    only_use_cftime_datetimes=False, only_use_python_datetimes=True)
    return out


def at_height(field, z, height):
    """field(lev, y, x) interpolated to height above ground (z: lev, y, x); NaN above the column."""
    nz = z.shape[0]
    out = np.full(z.shape[1:], np.nan)
    for k in range(nz - 1):
        lo, hi = z[k], z[k + 1]
        sel = (lo <= height) & (height < hi)
        w = (height - lo[sel]) / (hi[sel] - lo[sel])
        out[sel] = (1 - w) * field[k][sel] + w * field[k + 1][sel]
    below = height < z[0]
    out[below] = field[0][below]
    return out


def nearest_cell(lon, lat, site_lon, site_lat):
    d = (lon - site_lon) ** 2 * np.cos(np.radians(site_lat)) ** 2 + (lat - site_lat) ** 2
    return np.unravel_index(np.argmin(d), d.shape)


def pick_times(dates, day, utc_offset, hours=(6, 14)):
    """Index of the record at each local hour of the day (the nearest one, within 90 minutes)."""
    found = {}
    for h in hours:
        want = datetime.datetime.combine(day, datetime.time(h)) - datetime.timedelta(hours=utc_offset)
        gaps = [abs((d - want).total_seconds()) for d in dates]
        k = int(np.argmin(gaps))
        if gaps[k] > 5400:
            fail(f"no record within 90 minutes of {h:02d} local time ({want:%Y-%m-%d %H:%M} UTC) on {day}")
        found[h] = k
    return found


def winds(args, met, dom, k, hour, site):
    lon, lat, terrain = dom["lon"], dom["lat"], dom["terrain"]
    lon0, lon1, lat0, lat1 = args.box
    inside = (lon >= lon0) & (lon <= lon1) & (lat >= lat0) & (lat <= lat1)
    if not inside.any():
        fail(f"the box {args.box} holds no cell of the domain")
    jj, ii = np.where(inside)
    ys, xs = slice(jj.min(), jj.max() + 1), slice(ii.min(), ii.max() + 1)
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.2), constrained_layout=True)
    u3, v3, z3 = met["u"][k], met["v"][k], met["zmid"][k]
    levels = [("lowest layer (%.0f m above ground)" % float(np.median(z3[0])), u3[0], v3[0]),
              ("1500 m above ground", at_height(u3, z3, 1500.0), at_height(v3, z3, 1500.0))]
    step = max(1, (xs.stop - xs.start) // 16)
    for ax, (title, u, v) in zip(axes, levels):
        pc = ax.pcolormesh(lon[ys, xs], lat[ys, xs], terrain[ys, xs], cmap="terrain", vmin=0, vmax=4500, shading="auto")
        sp = np.hypot(u, v)
        q = ax.quiver(lon[ys, xs][::step, ::step], lat[ys, xs][::step, ::step], u[ys, xs][::step, ::step],
                      v[ys, xs][::step, ::step], sp[ys, xs][::step, ::step], cmap="plasma", clim=(0, 12), scale=150,
                      width=0.005, headwidth=3.5, headlength=4)
        ax.plot(site[1], site[2], "k*", ms=12)
        ax.annotate(site[0], (site[1], site[2]), xytext=(4, 4), textcoords="offset points")
        ax.set_title(f"{title}, {hour:02d} local time")
        ax.set_xlabel("longitude (degrees east)")
        ax.set_ylabel("latitude (degrees north)")
        ax.quiverkey(q, 0.9, 1.02, 5, "5 m/s", labelpos="E")
    fig.colorbar(pc, ax=axes, label="terrain height (m)", shrink=0.8)
    fig.suptitle(f"Winds {met['dates'][k]:%Y-%m-%d %H:%M} UTC over the terrain around {site[0]}")
    path = os.path.join(args.out, f"met_winds_{hour:02d}LT.png")
    fig.savefig(path + ".tmp.png", dpi=110)
    os.replace(path + ".tmp.png", path)
    plt.close(fig)
    return path


def profiles(args, met, picks, site, cell):
    j, i = cell
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 5.5), sharey=True, constrained_layout=True)
    for hour, k in picks.items():
        z = met["zmid"][k][:, j, i]
        zf = met["zface"][k][:, j, i]
        top = z <= 3000
        line, = a1.plot(met["theta"][k][top, j, i], z[top], "o-", ms=3, label=f"{hour:02d} local time")
        a2.semilogx(np.maximum(met["kz"][k][:, j, i], 1e-3)[zf <= 3000], zf[zf <= 3000], "o-", ms=3, color=line.get_color(),
                    label=f"{hour:02d} local time")
        for ax in (a1, a2):
            ax.axhline(float(met["pblh"][k][j, i]), color=line.get_color(), ls=":", lw=1)
    a1.set_xlabel("potential temperature (K)")
    a2.set_xlabel("Kz at the layer top (m2 s-1)")
    a1.set_ylabel("height above ground (m)")
    a1.legend()
    a2.legend(title="dotted: boundary-layer height")
    fig.suptitle(f"{site[0]} ({site[1]:.2f} E, {site[2]:.2f} N), {args.day}: cell ({i}, {j})")
    path = os.path.join(args.out, "met_profiles.png")
    fig.savefig(path + ".tmp.png", dpi=110)
    os.replace(path + ".tmp.png", path)
    plt.close(fig)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("met")
    ap.add_argument("--domain", required=True)
    ap.add_argument("--day", type=datetime.date.fromisoformat)
    ap.add_argument("--utc-offset", type=float, default=6)
    ap.add_argument("--site", default="Urumqi,87.62,43.83")
    ap.add_argument("--box", default="86.2,89.2,43.0,44.8")
    ap.add_argument("-o", "--out", default=".")
    args = ap.parse_args()
    try:
        name, slon, slat = args.site.split(",")
        site = (name, float(slon), float(slat))
        args.box = [float(v) for v in args.box.split(",")]
        assert len(args.box) == 4
    except (ValueError, AssertionError):
        fail("--site is NAME,LON,LAT and --box LON0,LON1,LAT0,LAT1")
    met = read(args.met, ["time", "u", "v", "theta", "kz", "pblh", "zmid", "zface"])
    dom = read(args.domain, ["lon", "lat", "terrain"])
    if met["u"].shape[-2:] != dom["lon"].shape:
        fail(f"{args.met} ({met['u'].shape[-2:]}) and {args.domain} ({dom['lon'].shape}) are not on the same grid")
    if args.day is None:
        args.day = (met["dates"][0] + datetime.timedelta(days=1)).date()
    os.makedirs(args.out, exist_ok=True)
    picks = pick_times(met["dates"], args.day, args.utc_offset)
    cell = nearest_cell(dom["lon"], dom["lat"], site[1], site[2])
    written = [winds(args, met, dom, k, h, site) for h, k in picks.items()]
    written.append(profiles(args, met, picks, site, cell))
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
