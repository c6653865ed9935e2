#!/usr/bin/env bash
# Runs every test given as an argument (a program or a script that prints TAP), keeps each
# one's output in build/tests/logs/, and ends with the line "N passed, N failed".
# A test that exits non-zero without a "not ok" line, or prints no plan, counts as one failure.
# Tests run TEST_JOBS at a time (default 2, one per core); the ones that time themselves or use
# every core (EXCLUSIVE below) run alone, each once the tests before it are done. Results are
# printed in the order given.
set -u
export LANG=C LC_ALL=C OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
logs=build/tests/logs
mkdir -p "$logs"
jobs=${TEST_JOBS:-2}
# Alone: timed limits (hangs), signals to running jobs (slurm), several ranks per core with
# bitwise checks and the sanitizer builds (ranks, sanitizers, fuzz: the last two build
# build-debug/, which two makes at once would break).
EXCLUSIVE=" hangs slurm ranks sanitizers fuzz "
passed=0; failed=0; start_all=$(date +%s)
names=(); next=0

# Run test $1 as name $2 into its log; its exit status and seconds go next to it.
run_one() {
  local t=$1 log=$logs/$2.log start
  start=$(date +%s)
  timeout "${TEST_TIMEOUT:-900}" "$t" >"$log" 2>&1
  echo $? >"$log.rc"
  echo $(( $(date +%s) - start )) >"$log.sec"
}

# Print the results of the finished tests at the head of the list, in order.
report() {
  while [ "$next" -lt "${#names[@]}" ] && [ -f "$logs/${names[$next]}.log.sec" ]; do
    local name=${names[$next]} log=$logs/${names[$next]}.log rc ok bad plan status
    rc=$(cat "$log.rc")
    ok=$(grep -c '^ok ' "$log"); bad=$(grep -c '^not ok ' "$log")
    plan=$(grep -c '^1\.\.[0-9]' "$log")
    if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
    if [ "$plan" -eq 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
    passed=$((passed + ok)); failed=$((failed + bad))
    status=PASS; [ "$bad" -gt 0 ] && status=FAIL
    printf '%-4s %-36s %4d ok %3d failed %4ds\n' "$status" "$name" "$ok" "$bad" "$(cat "$log.sec")"
    if [ "$bad" -gt 0 ]; then
      grep -E '^not ok|rror' "$log" | head -n 20 | sed 's/^/     | /'
      [ "$rc" -ne 0 ] && echo "     | exit status $rc (log: $log)"
    fi
    rm -f "$log.rc" "$log.sec"
    next=$((next + 1))
  done
}

for t in "$@"; do
  name=$(basename "$t"); name=${name%.sh}
  rm -f "$logs/$name.log.rc" "$logs/$name.log.sec"
  names+=("$name")
  if [[ "$EXCLUSIVE" == *" $name "* ]]; then
    wait
    report
    run_one "$t" "$name"
  else
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; report; done
    run_one "$t" "$name" &
  fi
  report
done
wait
report
echo "total time $(( $(date +%s) - start_all )) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
