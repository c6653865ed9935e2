#!/usr/bin/env bash
# Split a scenario set file (several &scenario ... / groups, with any comments) into one namelist
# file per scenario, DIR/scenario_1.nml ... DIR/scenario_N.nml, and print DIR.
#   runs/split_scenarios.sh SET_FILE DIR
set -euo pipefail
set_file=${1:?scenario set file}
dir=${2:?output directory}
mkdir -p "$dir"
awk -v dir="$dir" '
  /^[ \t]*&scenario([ \t]|$)/ { n++; file = dir "/scenario_" n ".nml"; inside = 1 }
  inside { print > file }
  inside && /^[ \t]*\/[ \t]*$/ { inside = 0; close(file) }
  END { if (n == 0) { print "no &scenario group in the set file" > "/dev/stderr"; exit 1 } }
' "$set_file"
echo "$dir"
