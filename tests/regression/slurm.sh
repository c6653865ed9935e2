#!/usr/bin/env bash
# Title: the batch jobs of runs/slurm/, end to end, and the model's clean stop on a signal
# Description: every job script runs unedited under stand-ins for sbatch and srun
#   (tests/regression/slurm/bin: sbatch queues, slurm_run runs the queue honouring --dependency
#   and --array, and sends a job its --signal as if its time were nearly up) on a small case: the
#   att27/att9 pair of tests/regression/slurm/domains.nml, short, with 2 ranks.
#   - xinjiang_case.sbatch with MPIEXEC="srun --mpi=pmix" (split into words) builds the domains and
#     the inventory, runs both domains and writes the report;
#   - scenario_set.sbatch as an array of split_scenarios.sh --count tasks, then
#     scenario_compare.sbatch after it: each task in a folder of its own, the base run untouched;
#   - month_chain.sbatch (idealised case) gets SIGUSR1 mid-run: the model writes a checkpoint and
#     exits 3, the job submits the next, which resumes and completes; a chain started again after
#     completion runs nothing, and one whose model fails at its set-up submits nothing;
#   - month_nested.sbatch on a site without srun (mpiexec): the outer domain, signalled, then
#     resumed; the inner one after it, signalled, then resumed;
#   - the model directly: run_wall_hours stopping after one step (mid-hour) twice in a row, and
#     SIGTERM to the ranks.
#   Every stopped and resumed run ends with the outputs of an unbroken run, bit for bit (gridded
#   output, receptor series, boundary files, met output, final checkpoint), and leaves no *.part.
# Tolerance: bitwise.
. "$(dirname "$0")/../lib.sh"
T=$(scratch slurm)
FAKE=$ROOT/tests/regression/slurm/bin
export FAKE_SLURM=$T/queue FAKE_SLURM_NTASKS=2 FAKE_SLURM_LOGS=$T/logs PATH="$FAKE:$PATH"
unset MPIEXEC NP SLURM_JOB_ID CHAIN_JOB CHAIN_STAGE DOMAINS INVENTORY OUTER INNER CASE OUTER_NML INNER_NML HOURS \
  ANALYSIS_START SPINUP_HOURS
cd "$ROOT" || exit 1 # users submit from the repository
mkdir -p "$T/logs"

queue() { slurm_run >>"$T/queue.log" 2>&1; }      # run every job that can run
next_id() { cat "$FAKE_SLURM/next_id" 2>/dev/null || echo 101; }
exits() { grep -E "^job ($(echo "$@" | tr ' ' '|'))[ _].*: exit [0-9]+$" "$T/queue.log" | awk '{ printf "%s ", $NF }'; }
same() { # same DIR_A DIR_B: every *.nc of B equals A's bitwise, and the final checkpoints
  local f bad=0
  for f in "$2"/*.nc; do
    "$TBIN/nccompare" "$1/$(basename "$f")" "$f" >>"$T/compare.log" 2>&1 || { bad=1; diag "differs: $f"; }
  done
  f=$(ls "$1"/*_checkpoint_*.bin 2>/dev/null | tail -n 1) # the unbroken run's last, if it wrote one
  if [ -n "$f" ]; then
    "$TBIN/ckcompare" "$f" "$2/$(basename "$f")" >>"$T/compare.log" 2>&1 || { bad=1; diag "differs: $f"; }
  fi
  ! ls "$2"/*.part "$2"/*.tmp >/dev/null 2>&1 || { bad=1; diag "left: $(ls "$2"/*.part "$2"/*.tmp)"; }
  return $bad
}
# (The small domains have no city receptors for the default case's backward runs, whose chain
# tests/regression/adjoint_handoff.sh tests.)
small=(DOMAINS=tests/regression/slurm/domains.nml OUTER=att27 INNER=att9 SPINUP_HOURS=0 ADJOINT=)

# The default case's job, with the launcher of issue 17 (words in one variable).
first=$(next_id)
env "${small[@]}" HOURS=1 MPIEXEC="srun --mpi=pmix" sbatch runs/slurm/xinjiang_case.sbatch "$T/case" >/dev/null
queue
[ "$(exits "$first")" = "0 " ] && [ -f "$T/case/att9/report/index.html" ] && grep -q "done in" "$T/logs/bogda-xinjiang-$first.log"
ok $? "xinjiang_case.sbatch with MPIEXEC=\"srun --mpi=pmix\": domains, inventory, both runs, report"

# A scenario set on it: an array the size split_scenarios.sh counts, then the comparison.
set=tests/regression/slurm/scenarios.nml
n=$(runs/split_scenarios.sh --count "$set")
[ "$n" = 2 ]; ok $? "split_scenarios.sh --count counts the set's scenarios: $n"
met=$(md5sum <"$T/case/att9/att9_met.nc")
files=$(ls "$T/case/att9" | sort)
first=$(next_id)
jid=$(INNER=att9 sbatch --parsable --array=1-"$n" runs/slurm/scenario_set.sbatch "$T/case" "$set")
INNER=att9 sbatch --dependency=afterok:"$jid" runs/slurm/scenario_compare.sbatch "$T/case" "$set" >/dev/null
queue
[ "$(exits "$first" $((first + 1)))" = "0 0 0 " ]
ok $? "scenario_set.sbatch, 2 array tasks, then scenario_compare.sbatch after them: exits $(exits "$first" $((first + 1)))"
ls "$T"/case/scenarios/shihezi_so2_pm_30/*_receptors_*.nc "$T"/case/scenarios/residential_halved/*_receptors_*.nc >/dev/null 2>&1 &&
  ! ls -d "$T"/case/scenarios/.split_* >/dev/null 2>&1
ok $? "each task ran in a folder of its own, from a split of its own (removed)"
[ "$(md5sum <"$T/case/att9/att9_met.nc")" = "$met" ] && [ "$(ls "$T/case/att9" | sort)" = "$files" ] &&
  ! ls "$T"/case/scenarios/*/*_met.nc >/dev/null 2>&1
ok $? "the base run is untouched: its att9_met.nc and file list as before, no scenario writes met output"
rows=$(awk -F, '$6 != "" && NR > 1' "$T/case/scenarios/comparison.csv" | cut -d, -f1 | sort -u | tr '\n' ' ')
[ "$rows" = "residential_halved shihezi_so2_pm_30 " ]
ok $? "the comparison table has simulated values of both scenarios: $rows"

# One domain's chain: a signal mid-run, the resume, the end.
mkdir -p "$T/straight"
mpirun_n 2 "$BIN/bogda" -namelist tests/regression/idealised/case.nml -run_output_dir "$T/straight" -run_hours 6 >"$T/straight.log" 2>&1
ok $? "idealised case, 6 h unbroken (the reference)"
first=$(next_id)
sbatch runs/slurm/month_chain.sbatch tests/regression/idealised/case.nml "$T/month" -run_hours 6 >/dev/null
FAKE_SLURM_SIGNAL=$first queue
[ "$(exits "$first" $((first + 1)))" = "0 0 " ] && [ -e "$T/month/chain_complete" ]
ok $? "month_chain.sbatch: job 1 signalled (B:USR1) and stopped, job 2 resumed and completed: exits $(exits "$first" $((first + 1)))"
line=$(grep -m1 '^stopped by signal USR1' "$T/month/model.log")
[ -n "$line" ] && grep -q "^restarting from .*_checkpoint_" "$T/month/model.log"
ok $? "the model's line: ${line:-none}"
same "$T/straight" "$T/month"; ok $? "the chained run's outputs equal the unbroken run's bitwise"
grep -q "submitted job $((first + 1))" "$T/month/chain.log" && grep -q "is complete" "$T/month/chain.log"
ok $? "chain.log: $(cut -d: -f4- "$T/month/chain.log" | tr '\n' ';')"
first=$(next_id)
sbatch runs/slurm/month_chain.sbatch tests/regression/idealised/case.nml "$T/month" -run_hours 6 >/dev/null
lines=$(wc -l <"$T/month/model.log")
queue
[ "$(exits "$first" $((first + 1)))" = "0 " ] && [ "$(wc -l <"$T/month/model.log")" = "$lines" ]
ok $? "the chain submitted again after its end runs nothing and submits nothing"
first=$(next_id)
sbatch runs/slurm/month_chain.sbatch tests/regression/idealised/case.nml "$T/bad" -run_hourz 6 >/dev/null
queue
[ "$(exits "$first" $((first + 1)))" = "1 " ] && grep -q "failed" "$T/bad/chain.log"
ok $? "a chain whose model fails at its set-up fails its job and submits nothing: exits $(exits "$first" $((first + 1)))"

# The two-domain chain, on a site with mpiexec and no srun.
mkdir -p "$T/nosrun"
ln -sf "$FAKE/sbatch" "$FAKE/slurm_run" "$T/nosrun/"
first=$(next_id)
PATH="$T/nosrun:${PATH#"$FAKE:"}" env "${small[@]}" INVENTORY='' HOURS=6 \
  sbatch runs/slurm/month_nested.sbatch "$T/nested" >/dev/null
PATH="$T/nosrun:${PATH#"$FAKE:"}" FAKE_SLURM_SIGNAL="$first $((first + 2))" slurm_run >>"$T/queue.log" 2>&1
[ "$(exits "$first" $((first + 1)) $((first + 2)) $((first + 3)))" = "0 0 0 0 " ] &&
  [ -e "$T/nested/att27/chain_complete" ] && [ -e "$T/nested/att9/chain_complete" ]
ok $? "month_nested.sbatch with mpiexec: outer stopped, outer completed, inner stopped, inner completed: exits $(exits "$first" $((first + 1)) $((first + 2)) $((first + 3)))"
grep -q "^  run_start = '2023-12-31T16:00:00Z'" "$T/nested/att9/model.log" && grep -q "^  met_diagnostic_start = '2023-12-26T16:00:00Z'" "$T/nested/att9/model.log"
ok $? "the month job runs January 2024 by default (namelists/january_2024.nml): the inner domain from 2023-12-31T16:00Z"
mkdir -p "$T/jan_end"
mpirun_n 1 "$BIN/bogda" -namelist namelists/xinjiang.nml,namelists/january_2024.nml -run_name jan_end -run_output_dir "$T/jan_end" \
  -run_domain_file "$T/nested/domains/att27_domain.nc" -run_start 2024-01-31T15:00:00Z -run_hours 1 -tags_enabled false >"$T/jan_end.log" 2>&1
ok $? "namelists/january_2024.nml runs the month's last hour (31 January, 23:00-24:00 Beijing time)"
[ "$(grep -c '^stopped by signal USR1' "$T/nested/att27/model.log")" = 1 ] && [ "$(grep -c '^stopped by signal USR1' "$T/nested/att9/model.log")" = 1 ]
ok $? "each domain was stopped once by the signal and resumed"
# The same two runs unbroken, with the arguments the chain gave them.
mkdir -p "$T/nested_straight" && cp -r "$T/nested/domains" "$T/nested_straight/"
(
  export "${small[@]}" INVENTORY='' HOURS=6 CASE=namelists/xinjiang.nml,namelists/january_2024.nml ANALYSIS_START=2023-12-31T16:00:00Z
  . runs/xinjiang/case.sh
  case_args outer "$T/nested_straight" && mpirun_n 2 "$BIN/bogda" "${ARGS[@]}" >"$T/nested_outer.log" 2>&1 &&
    case_args inner "$T/nested_straight" && mpirun_n 2 "$BIN/bogda" "${ARGS[@]}" >"$T/nested_inner.log" 2>&1
)
ok $? "the two domains unbroken (the reference)"
same "$T/nested_straight/att27" "$T/nested/att27"; ok $? "outer: outputs and boundary files equal the unbroken run's bitwise"
same "$T/nested_straight/att9" "$T/nested/att9"; ok $? "inner: outputs, receptor series and met output equal the unbroken run's bitwise"

# The model on its own: run_wall_hours stops after one step, twice in one output hour, then
# SIGTERM to the ranks.
# Within an hour only with instantaneous records: with hourly means (the default) a stop waits
# for the hour's end, as the part of a mean summed so far is not in the checkpoint.
mkdir -p "$T/wallmean" "$T/straight_inst"
mpirun_n 2 "$BIN/bogda" -namelist tests/regression/idealised/case.nml -run_output_dir "$T/wallmean" -run_hours 6 -run_wall_hours 1e-9 >"$T/wallmean.log" 2>&1
[ $? -eq 3 ] && grep -q "^stopped by run_wall_hours = 1e-09 at 2024-01-10T01:00:00Z (step 4 of 24)" "$T/wallmean.log"
ok $? "with hourly means a run_wall_hours stop waits for the end of the hour (01:00, step 4)"
mpirun_n 2 "$BIN/bogda" -namelist tests/regression/idealised/case.nml -run_output_dir "$T/straight_inst" -run_hours 6 \
  -output_averaging instant >"$T/straight_inst.log" 2>&1
idealised() { mpirun_n 2 "$BIN/bogda" -namelist tests/regression/idealised/case.nml -run_output_dir "$T/wall" -run_hours 6 -output_averaging instant "$@" >>"$T/wall.log" 2>&1; }
mkdir -p "$T/wall"
idealised -run_wall_hours 1e-9; s1=$?
idealised -run_wall_hours 1e-9 -run_restart latest; s2=$?
ls "$T"/wall/idealised_20240110T0000Z.nc.part >/dev/null 2>&1; part=$?
idealised -run_restart latest; s3=$?
[ "$s1 $s2 $part $s3" = "3 3 0 0" ] && grep -q "^stopped by run_wall_hours = 1e-09 at 2024-01-10T00:30:00Z (step 2 of 24)" "$T/wall.log"
ok $? "run_wall_hours: stopped at 00:15 and at 00:30 (exit $s1, $s2), partial outputs kept, resumed to the end (exit $s3)"
same "$T/straight_inst" "$T/wall"; ok $? "stopped twice within an output hour, resumed: the outputs equal the unbroken run's bitwise"
mkdir -p "$T/term"
mpiexec --oversubscribe -n 2 "$BIN/bogda" -namelist tests/regression/idealised/case.nml -run_output_dir "$T/term" -run_hours 6 >"$T/term.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do grep -q '^2024-01-10T01:00:00Z' "$T/term.log" && break; sleep 0.05; done
ranks=$(ps -o pid= --ppid "$pid" | tr -d ' ' | tr '\n' ' ')
# shellcheck disable=SC2086 # one word a rank
kill -TERM $ranks 2>/dev/null
wait $pid; s1=$?
mpirun_n 2 "$BIN/bogda" -namelist tests/regression/idealised/case.nml -run_output_dir "$T/term" -run_hours 6 -run_restart latest >>"$T/term.log" 2>&1; s2=$?
[ "$s1 $s2" = "3 0" ] && grep -q "^stopped by signal TERM" "$T/term.log"
ok $? "SIGTERM to the ranks: $(grep -m1 -o '^stopped by signal TERM at [^ ]*' "$T/term.log") (exit $s1), resumed (exit $s2)"
same "$T/straight" "$T/term"; ok $? "after SIGTERM and the resume, the outputs equal the unbroken run's bitwise"

# The job scripts name the site's partition, account and memory, commented out.
miss=''
for f in runs/slurm/*.sbatch; do
  for k in partition account mem; do grep -q "^##SBATCH --$k=" "$f" || miss="$miss $f:$k"; done
done
[ -z "$miss" ]; ok $? "every job script has placeholders for partition, account and memory${miss:+: missing$miss}"
done_testing
