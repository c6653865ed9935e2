#!/usr/bin/env bash
# Title: the parser and parallel tests run clean under AddressSanitizer and UBSan
# Description: builds the sanitizer variant (make DEBUG=1: -O0 -g -fsanitize=address,undefined,
#   objects in build-debug/) and runs with its programs: the namelist parser's unit test, the
#   effective-namelist and reference tests, a set of bad inputs that must each stop the model
#   with a message (one a domain file whose damage crashed libhdf5 before base/ncinput.c probed
#   input files in a child process), and the parallel test in its quick form (RANKS_QUICK=1: the
#   ghost exchange on 1, 2 and 4 ranks; the model on 1, 2 and 4 ranks and xj27 on 1 and 2, bitwise
#   equal; the release build's run of tests/parallel/ranks.sh covers the rest). A run is clean when
#   its own checks pass and no sanitizer report appears in its output. Leaks inside Open MPI,
#   hwloc and PMIx (not ours) are suppressed by tests/sanitizers.supp; everything else counts.
. "$(dirname "$0")/../lib.sh"
dir=$(scratch sanitizers)
make -C "$ROOT" --no-print-directory DEBUG=1 -j"$(nproc 2>/dev/null || echo 2)" _all build-debug/tests/test_namelist \
  build-debug/tests/nccompare build-debug/tests/ckcompare build-debug/tests/test_halo >"$dir/build.log" 2>&1
ok $? "sanitizer build (make DEBUG=1) into build-debug/"
export ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:halt_on_error=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$ROOT/tests/sanitizers.supp:print_suppressions=0
export BOGDA_BIN=$ROOT/build-debug/bin BOGDA_TBIN=$ROOT/build-debug/tests BOGDA_TMP=$dir/tmp
report='ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: (Address|UndefinedBehavior|Leak)Sanitizer'
clean() { ! grep -qE "$report" "$@"; }
# The parallel test (its quick form) runs beside the others, which take one core: two at a time.
RANKS_QUICK=1 "$ROOT/tests/parallel/ranks.sh" >"$dir/ranks.sh.log" 2>&1 &
ranks_pid=$!
checked() { # checked NAME STATUS: its own checks passed and no sanitizer report anywhere
  local name=$1 rc=$2 n_ok n_bad
  # the child tests keep their runs' logs in their scratch directories: look there too
  n_ok=$(grep -c '^ok ' "$dir/$name.log"); n_bad=$(grep -c '^not ok ' "$dir/$name.log")
  [ "$rc" -eq 0 ] && [ "$n_bad" -eq 0 ] && [ "$n_ok" -gt 0 ] && clean "$dir/$name.log" && clean -r "$dir/tmp"
  ok $? "$name under the sanitizers: $n_ok ok, $n_bad failed, $(grep -cE "$report" -r "$dir/$name.log" "$dir/tmp" 2>/dev/null | awk -F: '{s += $NF} END {print s + 0}') sanitizer reports"
}
for t in build-debug/tests/test_namelist tests/regression/effective.sh tests/regression/reference.sh; do
  name=$(basename "$t")
  "$ROOT/$t" >"$dir/$name.log" 2>&1
  checked "$name" $?
done
# Bad inputs through the whole start-up path: each a message and a non-zero exit, nothing else.
case=$ROOT/tests/regression/idealised/case.nml
printf '&run\n  name = "x"\n  hours = 2,\n  dt = 9OO\n/\n' >"$dir/syntax.nml"
bad() { # bad NAME EXPECTED-REGEX ARGS...
  local name=$1 want=$2; shift 2
  "$BOGDA_BIN/bogda" "$@" -run_output_dir "$dir" >"$dir/$name.log" 2>&1; local rc=$?
  [ "$rc" -ne 0 ] && grep -qE "$want" "$dir/$name.log" && clean "$dir/$name.log"
  ok $? "$name: refused cleanly ($(grep -oE "$want" "$dir/$name.log" | head -n 1))"
}
bad syntax "syntax.nml:4" -namelist "$dir/syntax.nml"
bad unknown_key "did you mean" -namelist "$case" -run_hourz 3
bad range "run_dt" -namelist "$case" -run_dt -5
bad missing "cannot|no such|does not exist" -namelist "$dir/none.nml"
# A domain file the fuzz test damaged: libhdf5 crashed inside nc_open (tests/data/fuzz/README.md).
bad hdf5_damaged "att27_domain_hdf5_damaged.nc: the file is damaged: the NetCDF/HDF5 library (died|failed)" \
  -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/attribution/case.nml" -tags_enabled false \
  -run_domain_file "$ROOT/tests/data/fuzz/att27_domain_hdf5_damaged.nc" -emissions_gridded_file '' -emissions_points_file '' -run_hours 1
wait "$ranks_pid"
checked ranks.sh $?
done_testing
