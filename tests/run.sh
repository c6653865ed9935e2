#!/usr/bin/env bash
# Runs every test given as an argument (a program or a script that prints TAP), keeps each
# one's output in build/tests/logs/, and ends with the line "N passed, N failed".
# A test that exits non-zero without a "not ok" line, or prints no plan, counts as one failure.
set -u
export LANG=C LC_ALL=C OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
logs=build/tests/logs
mkdir -p "$logs"
passed=0; failed=0; start_all=$(date +%s)
for t in "$@"; do
  name=$(basename "$t"); name=${name%.sh}
  log="$logs/$name.log"
  start=$(date +%s)
  timeout "${TEST_TIMEOUT:-900}" "$t" >"$log" 2>&1
  rc=$?
  ok=$(grep -c '^ok ' "$log"); bad=$(grep -c '^not ok ' "$log")
  plan=$(grep -c '^1\.\.[0-9]' "$log")
  if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
  if [ "$plan" -eq 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
  passed=$((passed + ok)); failed=$((failed + bad))
  status=PASS; [ "$bad" -gt 0 ] && status=FAIL
  printf '%-4s %-36s %4d ok %3d failed %4ds\n' "$status" "$name" "$ok" "$bad" $(( $(date +%s) - start ))
  if [ "$bad" -gt 0 ]; then
    grep -E '^not ok|rror' "$log" | head -n 20 | sed 's/^/     | /'
    [ "$rc" -ne 0 ] && echo "     | exit status $rc (log: $log)"
  fi
done
echo "total time $(( $(date +%s) - start_all )) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
