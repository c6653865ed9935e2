#!/usr/bin/env bash
# Split a scenario set file (several &scenario ... / groups, with any comments) into one namelist
# file per scenario, DIR/scenario_1.nml ... DIR/scenario_N.nml, and print DIR; or, with --count,
# only print N (the size of the job array of runs/slurm/scenario_set.sbatch).
#   runs/split_scenarios.sh SET_FILE DIR
#   runs/split_scenarios.sh --count SET_FILE
set -euo pipefail
if [ "${1:-}" = --count ]; then
  set_file=${2:?usage: split_scenarios.sh --count SET_FILE}
  dir=''
else
  set_file=${1:?usage: split_scenarios.sh SET_FILE DIR}
  dir=${2:?usage: split_scenarios.sh SET_FILE DIR}
  mkdir -p "$dir"
fi
[ -r "$set_file" ] || { echo "split_scenarios.sh: cannot read $set_file" >&2; exit 1; }
awk -v dir="$dir" '
  /^[ \t]*&scenario([ \t]|$)/ { n++; file = dir "/scenario_" n ".nml"; inside = 1 }
  inside && dir != "" { print > file }
  inside && /^[ \t]*\/[ \t]*$/ { inside = 0; if (dir != "") close(file) }
  END {
    if (n == 0) { print "no &scenario group in the set file" > "/dev/stderr"; exit 1 }
    if (dir == "") print n
  }
' "$set_file"
[ -z "$dir" ] || echo "$dir"
