#!/usr/bin/env bash
# Title: bogda-query answers a new project from a backward run's footprints (issue 15 item 8,
#   issue 16 item 5)
# Description: the att27 case (tests/regression/attribution/case.nml: upwind transport, linear
#   chemistry), 12 hours with the diagnostic winter episode shifted so that its cold front passes
#   in the run (episode hours 54 to 66: the inversion breaks up, the wind strengthens, so a
#   stack's plume rise changes from about 100 to 145 m). A base run with a backward run for three
#   functionals (PM2.5 at WCS and at KDW over the run, at WCS over hours 6 to 12) writes the
#   footprints and its met (met_output); a second run adds three projects as point sources of
#   their own (the stack family tags each alone) with a flat industry profile: two at the surface
#   (height 0, no rise: layer 0), near Changji and near Kuytun, and a 60 m stack at Changji.
#   bogda-query -footprints on the base run gives each project's added value at each functional;
#   the real one is the project's tag in the second run (its window mean at the receptor). The
#   surface projects must equal it to 2.5e-7 relative; the stack's error (the mean plume fractions
#   against the model's step-by-step plume rise) is reported and must lie within the error
#   estimate bogda-query gives with it. Text and JSON say the answer is footprint-based, the cell,
#   the layers and the unit; bad inputs are refused in one line naming the value.
# Command: tests/run.sh tests/regression/query_footprints.sh
# Tolerance: surface 2.5e-7 relative (the footprints are 32-bit floats: about 6e-8 each); stack: the
#   error estimate (spread of the plume's layers times the range of the footprint over them,
#   postproc/footprint_query.h), which bounds the error when the footprint's time course is the
#   same in the plume's layers; here the error is 4.9 % against an estimate of 16 %.
. "$(dirname "$0")/../lib.sh"
dir=$(scratch query_footprints)
case=$ROOT/tests/regression/attribution/case.nml
att27_inputs "$dir"
# The projects, as rows of the model's points CSV (docs/points.md), in a copy of the inputs.
mkdir -p "$dir/proj_inputs"
ln -s ../att27_domain.nc ../xinjiang_inventory.nc "$dir/proj_inputs/"
"$PY" - "$dir/xinjiang_points.csv" "$dir/proj_inputs/xinjiang_points.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
emit = {"so2_t_yr": "100", "nox_t_yr": "50", "nh3_t_yr": "20", "ppm25_t_yr": "30", "ppmc_t_yr": "10"}
for pid, lon, lat, stack in (("PRJW", "87.3", "44.0", ("0", "0", "0", "300")),
                             ("PRJK", "84.6", "44.6", ("0", "0", "0", "300")),
                             ("PRJS", "87.3", "44.0", ("60", "3", "15", "420"))):
    row = {k: "0" for k in rows[0]}
    row.update(id=pid, name=f"project {pid}", lon=lon, lat=lat, sector="industry", **emit,
               **dict(zip(("height_m", "diameter_m", "velocity_m_s", "temperature_K"), stack)))
    rows.append(row)
with open(sys.argv[2], "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
PY
ok $? "the projects added to a copy of the points CSV"
model() { # model INPUTS OUTDIR [options...]: 12 hours over the cold front, 2 ranks
  att27_model "$1" "$case" "$2" -run_hours 12 -run_closure_every_process false \
    -met_diagnostic_start 2024-01-07T18:00:00Z "${@:3}"
}
model "$dir" "$dir/base" -adjoint_enabled -adjoint_receptors WCS,KDW,WCS -adjoint_species pm25 \
  -adjoint_window_start 0,0,6 -met_output "$dir/base/att_met.nc" -met_output_interval 0
ok $? "base run with a backward run for three functionals, footprints and met written"
ones() { local s=1; for ((k = 1; k < $1; k++)); do s="$s,1"; done; echo "$s"; }
model "$dir/proj_inputs" "$dir/proj" -emission_profiles_industry_month "$(ones 12)" \
  -emission_profiles_industry_weekday "$(ones 7)" -emission_profiles_industry_hour "$(ones 24)"
ok $? "the run with the projects as real sources, at a constant rate (flat industry profile)"
fp=$dir/base/att_adjoint_footprints.nc
emit=so2=100,nox=50,nh3=20,ppm25=30,ppmc=10
stack=(-stack_height 60 -stack_diameter 3 -stack_velocity 15 -stack_temperature 420)
q() { "$BIN/bogda-query" -run "$dir/base" -domain "$dir/att27_domain.nc" -emit $emit "$@" 2>"$dir/q.err"; }
check() { "$PY" "$ROOT/tests/regression/query_footprints_check.py" "$@"; }
start=$(date +%s%N)
q -lonlat 87.3,44.0 -footprints "$fp" -json >"$dir/prjw.json"
ok $? "bogda-query -footprints answers the surface project at Changji ($((($(date +%s%N) - start) / 1000000)) ms)"
out=$(check surface "$dir/proj" "$dir/prjw.json" PRJW); ok $? "surface project at Changji equals its tag in the real run: $out"
q -lonlat 84.6,44.6 -footprints "$fp" -json >"$dir/prjk.json" &&
  out=$(check surface "$dir/proj" "$dir/prjk.json" PRJK); ok $? "surface project near Kuytun equals its tag in the real run: $out"
q -lonlat 87.3,44.0 -footprints "$fp" -json "${stack[@]}" >"$dir/prjs.json" &&
  out=$(check stack "$dir/proj" "$dir/prjs.json" PRJS); ok $? "60 m stack at Changji: the error of the mean plume layers, within the estimate given: $out"
"$PY" - "$dir/prjw.json" "$dir/prjs.json" "$dir/base/att_met.nc" <<'PY'
import json, sys
w, s = (json.load(open(p)) for p in sys.argv[1:3])
ok = all(("footprint-based" in d["note"] and d["method"] == "footprints" and
          d["project"]["cell"] == [13, 5] and d["unit"]["code"] == "652301-K1" and
          d["unit"]["prefecture"]["code"] == "652300" and d["unit"]["county"] == 652301) for d in (w, s))
ok = ok and w["project"]["stack"] is None and [l["k"] for l in w["project"]["layers"]] == [0]
ok = ok and s["project"]["stack"]["met_file"] == sys.argv[3] and "approximation" in s["note"]
ok = ok and min(l["k"] for l in s["project"]["layers"]) > 0 and abs(sum(l["fraction"] for l in s["project"]["layers"]) - 1) < 1e-14
ok = ok and [f["label"] for f in w["project"]["functionals"]] == ["WCS:pm25:0-12h", "KDW:pm25:0-12h", "WCS:pm25:6-12h"]
sys.exit(0 if ok else 1)
PY
ok $? "-json says footprint-based (the stack an approximation), the cell, the layers (0 at the surface, the plume's above), the unit, county and prefecture"
q -lonlat 87.3,44.0 -footprints "$fp" "${stack[@]}" >"$dir/prjs.txt" &&
  grep -q '^note: footprint-based' "$dir/prjs.txt" && grep -q 'approximation' "$dir/prjs.txt" &&
  grep -q '^project at 87.3 E 44 N: cell (i, j) = (13, 5)' "$dir/prjs.txt" && grep -q '^layers (k: fraction' "$dir/prjs.txt" &&
  grep -q '^unit 652301-K1' "$dir/prjs.txt" && grep -q '^kind key; county 652301; prefecture' "$dir/prjs.txt" &&
  grep -q '^WCS:pm25:0-12h' "$dir/prjs.txt"
ok $? "the text answer says the same"
# Bad inputs: footprints of another grid and of another run (copies with x, or the time bounds,
# moved), a file that is not footprints, met that does not span the run (its times moved), and the
# options.
"$PY" - "$fp" "$dir" <<'PY'
import shutil, sys, netCDF4
for name, var, shift in (("grid", "x", 27000.0), ("run", "time_bnds", 3600.0), ("late_met", "time", 7200.0)):
    shutil.copy(sys.argv[1] if name != "late_met" else f"{sys.argv[2]}/base/att_met.nc", f"{sys.argv[2]}/{name}.nc")
    with netCDF4.Dataset(f"{sys.argv[2]}/{name}.nc", "a") as f:
        f[var][:] = f[var][:] + shift
PY
bad=0 n=0
while IFS='|' read -r args value; do
  n=$((n + 1))
  # shellcheck disable=SC2086 # the options are words
  if q $args >/dev/null; then bad=$((bad + 1)); diag "accepted: $args"; continue; fi
  [ "$(grep -c 'error' "$dir/q.err")" -eq 1 ] && grep 'error' "$dir/q.err" | grep -qF -- "$value" ||
    { bad=$((bad + 1)); diag "not one line naming $value: $args: $(grep error "$dir/q.err")"; }
done <<EOF
-lonlat 87.3,44 -footprints $dir/none.nc|$dir/none.nc
-lonlat 87.3,44 -footprints $dir/grid.nc|of another grid
-lonlat 87.3,44 -footprints $dir/run.nc|footprints of a run from
-lonlat 87.3,44 -footprints $dir/base/att_met.nc|not a backward run's footprint file
-lonlat 60,40 -footprints $fp|60,40
-lonlat 87.3,44 -footprints $fp -stack_height 60 -stack_diameter 3|missing: -stack_velocity, -stack_temperature
-lonlat 87.3,44 -footprints $fp -stack_height 60 -stack_diameter 3 -stack_velocity 0 -stack_temperature 420|-stack_velocity 0
-lonlat 87.3,44 -footprints $fp -stack_height -5 -stack_diameter 3 -stack_velocity 15 -stack_temperature 420|-stack_height -5
-lonlat 87.3,44 -footprints $fp ${stack[*]} -met_output $dir/none_met.nc|$dir/none_met.nc
-lonlat 87.3,44 -footprints $fp ${stack[*]} -met_output $dir/late_met.nc|expected records spanning the run
-lonlat 87.3,44 -stack_diameter 3|-stack_diameter needs -footprints
-unit 652301-K1 -footprints $fp|-footprints $fp answers a new project
EOF
ok $bad "bad inputs are refused in one line naming the value ($n cases)"
done_testing
