#!/usr/bin/env bash
# Title: receptor series and gridded history are hourly means with CF time bounds (issue 14, item 3)
# Description: on the att27 test domain with tags, 3 h: the default records (averaging = 'mean',
#   every hour) equal the average of the instantaneous records written at the end of every 15-min
#   step of the same run (averaging = 'instant', output every step), for every receptor, species
#   and tag, to 1e-12 relative; the file has time_bnds [t - 1 h, t] and cell_methods "time: mean";
#   the instantaneous file has no time_bnds and "time: point"; a mean record is the same on 1 and
#   2 ranks to the bit; a checkpoint interval that is not a multiple of the output interval is
#   refused (tests/regression/cf_clients.sh has CDO and xarray read a mean file).
. "$(dirname "$0")/../lib.sh"
dir=$(scratch receptor_means)
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$dir" >"$dir/grid.log" 2>&1
ok $? "att27 domain built"
"$BIN/bogda-inventory" -namelist "$ROOT/namelists/domains.nml" -inventory "$ROOT/namelists/inventory.nml" -out "$dir" >"$dir/inv.log" 2>&1
ok $? "inventory built"
run() { # run NAME NP [options...]
  local name=$1 np=$2; shift 2
  mkdir -p "$dir/$name"
  mpirun_n "$np" "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/attribution/case.nml" \
    -run_output_dir "$dir/$name" -run_name att -run_domain_file "$dir/att27_domain.nc" -run_hours 3 -run_dt 900 \
    -run_checkpoint_hours 3 -emissions_gridded_file "$dir/xinjiang_inventory.nc" \
    -emissions_points_file "$dir/xinjiang_points.csv" "$@" >"$dir/$name.log" 2>&1
}
run mean 2; ok $? "hourly means (the default), 2 ranks"
run mean1 1; ok $? "the same on 1 rank"
run inst 2 -receptor_output_averaging instant -run_output_hours 0.25; ok $? "instantaneous records every 15-min step"
f=att_receptors_20240110T0000Z.nc
out=$("$PY" - "$dir/mean/$f" "$dir/inst/$f" <<'PY'
import sys
import numpy as np
from netCDF4 import Dataset
m, i = Dataset(sys.argv[1]), Dataset(sys.argv[2])
assert "time_bnds" in m.variables and "time_bnds" not in i.variables, "time_bnds"
assert m["conc"].cell_methods.startswith("time: mean") and i["conc"].cell_methods.startswith("time: point")
tm, tb, ti = m["time"][:], m["time_bnds"][:], i["time"][:]
assert len(tm) == 3 and np.all(tb[:, 1] == tm) and np.all(tb[:, 0] == tm - 3600), (tm, tb)
worst = 0.0
for var in ("conc", "contribution"):
    a, b = m[var][:], i[var][:]
    for k, t in enumerate(tm):
        sel = (ti > t - 3600) & (ti <= t)
        assert sel.sum() == 4, sel.sum()
        want = b[sel].mean(axis=0)
        worst = max(worst, float(np.max(np.abs(a[k] - want) / (np.abs(want) + 1e-30))))
assert worst < 1e-12, worst
print(f"{worst:.1e}")
PY
)
ok $? "each hourly mean is the average of the four 15-min values at the step ends (largest relative difference $out); time_bnds and cell_methods"
"$TBIN/nccompare" "$dir/mean/$f" "$dir/mean1/$f" >"$dir/cmp.log" 2>&1; ok $? "the mean records are the same bits on 1 and 2 ranks"
# The gridded history: hourly means by default, as the receptor series.
run hinst 2 -output_averaging instant; ok $? "gridded history as instantaneous records (output_averaging = 'instant')"
h=att_20240110T0000Z.nc
out=$("$PY" - "$dir/mean/$h" "$dir/inst/$h" "$dir/hinst/$h" <<'PY'
import sys
import numpy as np
from netCDF4 import Dataset
m, q, i = Dataset(sys.argv[1]), Dataset(sys.argv[2]), Dataset(sys.argv[3])
assert "time_bnds" in m.variables and "time_bnds" not in i.variables, "time_bnds"
assert m["pm25"].cell_methods == "time: mean" and m["so2"].cell_methods == "time: mean"
assert "cell_methods" not in i["pm25"].ncattrs() and "cell_methods" not in m["dry_dep_so2"].ncattrs()
tm, tb, tq = m["time"][:], m["time_bnds"][:], q["time"][:]
assert len(tm) == 3 and np.all(tb[:, 1] == tm) and np.all(tb[:, 0] == tm - 3600), (tm, tb)
worst, names = 0.0, [v for v in m.variables if m[v].dimensions == ("time", "y", "x") and not v.startswith(("dry_", "wet_"))]
for v in names:
    a, b = m[v][:].astype(float), q[v][:].astype(float)  # the 15-min file: one step a record, its end value
    for k, t in enumerate(tm):
        sel = (tq > t - 3600) & (tq <= t)
        assert sel.sum() == 4, sel.sum()
        want = b[sel].mean(axis=0)
        worst = max(worst, float(np.max(np.abs(a[k] - want) / (np.abs(want) + 1e-30))))
    # the instantaneous file holds the end-of-hour values of the 15-min one, bit for bit
    assert np.array_equal(i[v][:], q[v][:][np.isin(tq, tm)]), v
assert worst < 3e-7, worst  # the files store 32-bit floats
print(f"{len(names)} fields, {worst:.1e}")
PY
)
ok $? "each gridded hourly mean is the average of the four 15-min step-end values ($out, float32 files); time_bnds, cell_methods; 'instant' gives the step-end values"
"$TBIN/nccompare" "$dir/mean/$h" "$dir/mean1/$h" >"$dir/cmp_h.log" 2>&1; ok $? "the gridded means are the same bits on 1 and 2 ranks"
run bad 1 -run_checkpoint_hours 1.5 -run_output_hours 1
[ $? -ne 0 ] && grep -q "run_checkpoint_hours = 1.5 is not a multiple of run_output_hours = 1" "$dir/bad.log"
ok $? "a checkpoint between two output records is refused"
done_testing
