#!/usr/bin/env bash
# Title: the met source wrf in the model (issue 4)
# Description: bin/bogda on the Tibet wrfout sample (tests/regression/wrf/case.nml):
#   - a uniform mixing ratio stays uniform over the file's whole span (00-09 UTC) of transport and
#     mixing with WRF's winds, densities and Kz;
#   - the same run on 1 and 2 ranks (2 x 1 and 1 x 2) gives the same bits, met_output included;
#   - met_output holds what WRF wrote (theta, earth-relative winds against COSALPHA/SINALPHA, w,
#     PBLH, UST, HFX) and carries no .tmp name when complete; Kz from EXCH_H when asked; the
#     analytic source writes met_output too, at met_output_interval;
#   - the file split in two (a glob pattern) gives the same bits as the whole file; 1-hourly
#     records work; a window of the grid runs;
#   - bad input stops the run before the time loop with a non-zero exit and a message naming the
#     file and the variable or attribute: a missing file, a missing variable, files on different
#     grids, times out of order (in a file and across files), a gap, an unsupported projection, a
#     window outside the grid, a run outside the files' times, Katrina's moving nest, EXCH_H
#     asked for but missing, a NaN or netCDF's fill value in a field (naming the value's place).
#     A staggered dimension that is not one more than its cells (bottom_top_stag 35, bottom_top 27).
# Tolerance: 1e-12 relative for uniformity; bitwise across rank counts and file splits.
. "$(dirname "$0")/../lib.sh"
out=$(scratch wrf)
case=$ROOT/tests/regression/wrf/case.nml
cd "$ROOT" || exit 1
tibet=tests/data/wrf/wrfout_tibet_lambert_allvars_cropped.nc
katrina=tests/data/wrf/wrfout_katrina_mercator_sample.nc
"$PY" tests/regression/wrf_check.py variants "$tibet" "$out"
ok $? "test variants of the Tibet file written"
model() { # model NAME NP [options...]: run the case into $out/NAME, log in $out/NAME.log
  local name=$1 np=$2; shift 2
  mkdir -p "$out/$name"
  mpirun_n "$np" "$BIN/bogda" -namelist "$case" -run_output_dir "$out/$name" "$@" >"$out/$name.log" 2>&1
}
uniform=(-boundary_units mixing_ratio -boundary_values 2.385e-9,2.385e-9,2.385e-9,2.385e-9,2.385e-9,2.385e-9,2.385e-9,2.385e-9
  -run_processes mixing_vertical,advection_horizontal,advection_vertical)

# Uniformity over the file's span (4 records, 00 to 09 UTC).
start=$(date +%s.%N)
model uniform 1 "${uniform[@]}"; ok $? "uniform mixing ratio: 9 h with the Tibet file (00-09 UTC)"
diag "9 h run on 1 rank: $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s"
dev=$("$TBIN/ckcompare" --uniform "$out/uniform/wrf_checkpoint_20050921T0900Z.bin" | sort -g | tail -n 1)
awk -v d="$dev" 'BEGIN { exit !(d != "" && d < 1e-12) }'
ok $? "uniform mixing ratio: largest relative deviation after 9 h $dev (limit 1e-12)"

# Rank counts, with every process and met_output.
model r1 1 -run_hours 6 -run_checkpoint_hours 6 -met_output "$out/r1/met.nc"; ok $? "1 rank: 6 h with every process and met_output"
model r2 2 -run_hours 6 -run_checkpoint_hours 6 -run_px 2 -run_py 1 -met_output "$out/r2/met.nc"; ok $? "2 ranks (2 x 1) run"
model r2b 2 -run_hours 6 -run_checkpoint_hours 6 -run_px 1 -run_py 2 -met_output "$out/r2b/met.nc"; ok $? "2 ranks (1 x 2) run"
for r in r2 r2b; do
  for f in "$out"/r1/*.nc; do
    b=$(basename "$f")
    "$TBIN/nccompare" "$f" "$out/$r/$b" >"$out/cmp_${r}_$b.log" 2>&1
    ok $? "$b: $r bitwise equal to 1 rank"
  done
  "$TBIN/ckcompare" "$out/r1/wrf_checkpoint_20050921T0600Z.bin" "$out/$r/wrf_checkpoint_20050921T0600Z.bin" >"$out/ck_$r.log" 2>&1
  ok $? "checkpoint (double-precision state): $r bitwise equal to 1 rank"
done
chk=$("$PY" tests/regression/wrf_check.py metout "$out/r1/met.nc" "$tibet"); ok $? "met_output holds what WRF wrote: $chk"
[ ! -e "$out/r1/met.nc.tmp" ] && [ "$(ncdump -h "$out/r1/met.nc" | grep -c ':grid_mapping = "crs"')" -ge 10 ] \
  && ncdump -h "$out/r1/met.nc" | grep -q ':Conventions = "CF-1.8"'
ok $? "met_output: complete under its own name, CF-1.8, every field with grid_mapping"
model exch 1 -run_hours 3 -met_wrf_files "$out/exch.nc" -met_output "$out/exch/met.nc" -met_wrf_kz_max 600
grep -q "Kz from WRF's EXCH_H" "$out/exch.log"; ok $? "Kz from EXCH_H when the files have it (log line)"
chk=$("$PY" tests/regression/wrf_check.py kz "$out/exch/met.nc" "$out/exch.nc" 0.1 600); ok $? "kz equals EXCH_H at the top interface, bounded (largest relative difference $chk)"

# met_output from another source: the analytic case, every 2 h.
mkdir -p "$out/analytic"
"$BIN/bogda" -namelist tests/regression/idealised/case.nml -run_output_dir "$out/analytic" -run_hours 4 \
  -met_output "$out/analytic/met.nc" -met_output_interval 7200 >"$out/analytic.log" 2>&1
ok $? "met_output with the analytic source: 4 h run"
n=$(ncdump -v time "$out/analytic/met.nc" | grep -oE 'time = [0-9, ]+' | tr -cd ',' | wc -c)
[ "$n" -eq 2 ] && ncdump -h "$out/analytic/met.nc" | grep -q 'float kz(time, lev, y, x)' && ! ncdump -h "$out/analytic/met.nc" | grep -q 'float w('
ok $? "met_output with the analytic source: records at 00, 02 and 04 UTC only, kz written, no w (the source has none)"

# Files: a split in two read through a pattern, hourly records, a window.
model split 1 -run_hours 6 -run_checkpoint_hours 6 -met_wrf_files "$out/split_*.nc"; ok $? "the file split in two, given as a pattern"
"$TBIN/ckcompare" "$out/r1/wrf_checkpoint_20050921T0600Z.bin" "$out/split/wrf_checkpoint_20050921T0600Z.bin" >"$out/ck_split.log" 2>&1
ok $? "the split files give the same bits as the whole file"
model hourly 1 -run_hours 3 -met_wrf_files "$out/hourly.nc"; ok $? "1-hourly records: 3 h run"
grep -q "every 1.* h" "$out/hourly.log"; ok $? "1-hourly records: the log reports the 1 h interval"
model window 2 -run_hours 3 -met_wrf_window_i 1 -met_wrf_window_j 1 -met_wrf_window_nx 8 -met_wrf_window_ny 6; ok $? "a window of 8 x 6 cells at (1, 1) runs on 2 ranks"

# Bad input: each stops with a non-zero exit and names the file and the variable or attribute.
bad() { # bad NAME "pattern1" "pattern2" -- options...: the run fails and its log matches both patterns
  local name=$1 p1=$2 p2=$3; shift 4
  model "bad_$name" 1 "$@"
  local rc=$?
  # mpiexec forwards stdout and stderr separately: the error line may follow a part of a stdout line
  local line; line=$(grep -oE 'bogda: error: .*' "$out/bad_$name.log")
  [ "$rc" -ne 0 ] && grep -q -- "$p1" <<<"$line" && grep -q -- "$p2" <<<"$line" \
    && [ "$(grep -c 'error' <<<"$line")" -eq 1 ] && ! grep -q 'PETSC ERROR' "$out/bad_$name.log" && ! grep -q "mass kg:" "$out/bad_$name.log"
  ok $? "bad input, $name: exit $rc before the time loop, in one line: $(head -c 160 <<<"$line")"
}
bad missing_file "/no/such/wrfout_d01" "no such file" -- -met_wrf_files /no/such/wrfout_d01
bad missing_variable "no_qvapor.nc" "variable QVAPOR is missing" -- -met_wrf_files "$out/no_qvapor.nc"
bad different_grids "other_grid.nc" "attribute DX" -- -met_wrf_files "$tibet,$out/other_grid.nc"
bad out_of_order "backwards.nc" "Times.*out of order" -- -met_wrf_files "$out/backwards.nc"
bad files_out_of_order "early.nc" "Times.*out of order" -- -met_wrf_files "$tibet,$out/early.nc"
bad gap "gap.nc" "Times.*a gap" -- -met_wrf_files "$tibet,$out/gap.nc"
bad projection "bad_proj.nc" "MAP_PROJ = 5" -- -met_wrf_files "$out/bad_proj.nc"
bad window "met_wrf_window" "outside the WRF grid of $tibet" -- -met_wrf_window_i 6 -met_wrf_window_nx 5
bad time_range "outside the times of the WRF files" "Times of $tibet" -- -run_start 2005-09-20T21:00:00Z
bad run_too_long "outside the times of the WRF files" "Times of $tibet" -- -run_start 2005-09-21T03:00:00Z
bad moving_nest "wrfout_katrina_mercator_sample.nc" "XLAT/XLONG.*moving nest" -- -met_wrf_files "$katrina" -run_start 2005-08-28T12:00:00Z
bad exch_missing "$tibet" "variable EXCH_H is missing" -- -met_wrf_kz_source exch_h
bad nan_value "nan_t.nc" "variable T at 2005-09-21T00:00:00Z holds nan at (2, 3, 4)" -- -met_wrf_files "$out/nan_t.nc"
bad stagger "stagger.nc" "dimension bottom_top_stag = 35 with bottom_top = 27; expected 28 (one face more than cells)" -- -met_wrf_files "$out/stagger.nc"
bad fill_value "fill_u.nc" "variable U at 2005-09-21T00:00:00Z holds 9.96921e+36 at (1, 2, 3)" -- -met_wrf_files "$out/fill_u.nc"
done_testing
