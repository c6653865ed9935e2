#!/usr/bin/env bash
# Title: a fixed-seed mutation fuzzer over every input (issue 18)
# Description: tests/regression/fuzz.py mutates the namelist, the points and sites CSVs, the
#   Xinjiang outline polygons and the NetCDF inputs (domain, inventory, WRF, checkpoint, boundary
#   files) and runs the sanitizer build (make DEBUG=1) on each mutant; every case must end in
#   success or a clean refusal (non-zero exit, a message, no sanitizer report, no signal, no
#   hang, no output under a final name). FUZZ_CASES sets the cases per input (default 4),
#   FUZZ_SEED the seed (default 20261203). Each case, its mutation and its outcome are listed in
#   build/tests/tmp/fuzz/cases.txt.
# Command: tests/regression/fuzz.sh
# Tolerance: none: one crash, hang or half-written output fails the test.
. "$(dirname "$0")/../lib.sh"
dir=$(scratch fuzz)
setup=$dir/setup; mkdir -p "$setup/ck" "$setup/parent" "$setup/nest"
make -C "$ROOT" --no-print-directory DEBUG=1 -j"$(nproc 2>/dev/null || echo 2)" _all >"$dir/build.log" 2>&1
ok $? "sanitizer build (make DEBUG=1)"
# The valid inputs, made with the release programs.
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$setup" >"$setup/grid.log" 2>&1 &&
  "$BIN/bogda-grid" -namelist "$ROOT/tests/regression/nest/domain.nml" -out "$setup/nest" >"$setup/nest.log" 2>&1 &&
  cp "$setup/nest/att9_domain.nc" "$setup/" &&
  "$BIN/bogda-inventory" -namelist "$ROOT/namelists/domains.nml" -inventory "$ROOT/namelists/inventory.nml" -out "$setup" \
    >"$setup/inv.log" 2>&1 &&
  "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/attribution/case.nml" -run_name ck \
    -run_output_dir "$setup/ck" -run_domain_file "$setup/att27_domain.nc" -emissions_gridded_file "$setup/xinjiang_inventory.nc" \
    -emissions_points_file "$setup/xinjiang_points.csv" -run_hours 1 -run_checkpoint_hours 1 -tags_enabled false >"$setup/ck.log" 2>&1 &&
  "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/nest/case.nml" -run_name parent \
    -run_output_dir "$setup/parent" -run_domain_file "$setup/nest/att27_domain.nc" -run_dt 900 -run_hours 2 \
    -nest_child_domain_file "$setup/att9_domain.nc" >"$setup/parent.log" 2>&1
ok $? "valid inputs: domains, inventory, a checkpoint, a parent's boundary files"
"$PY" "$ROOT/tests/regression/fuzz.py" "$setup" "$dir" "$ROOT/build-debug/bin" "${FUZZ_CASES:-4}" "${FUZZ_SEED:-20261203}" \
  >"$dir/fuzz.log" 2>&1
rc=$?
sed -E 's/^(ok|not ok|1\.\.)/# &/' "$dir/fuzz.log"
grep -q '^1\.\.' "$dir/fuzz.log"; ok $? "the fuzzer ran to its end (exit $rc)"
# The fuzzer's own TAP lines are numbered from 1; renumber them into this script's plan.
while read -r line; do
  case "$line" in
    "ok "*) ok 0 "${line#ok * - }" ;;
    "not ok "*) ok 1 "${line#not ok * - }" ;;
  esac
done < <(grep -E '^(not )?ok ' "$dir/fuzz.log")
done_testing
