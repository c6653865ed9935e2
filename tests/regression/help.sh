#!/usr/bin/env bash
# Title: -help, -version, one-line errors, completion lines, the version in every file, tools that
#   run from any folder
# Description: issue 17, "Arguments, help and errors" and "tools find data/". Every program's
#   -help exits 0 before reading or writing anything (also with a namelist that does not exist,
#   and with -met_source wrf), lists every group and key of its namelists (bogda's: the groups
#   and options of docs/namelist.md, which -namelist_reference generates from the registry) and
#   none of PETSc's options; -version prints the version git describes. A user error is one line
#   "bogda: error: ..." on 1 and on 2 ranks, before any file (the lock included) is written, with
#   exit status 1; different messages of different ranks are each printed once; an error raised
#   on one rank only stops both ranks within seconds; an internal error keeps PETSc's traceback
#   and exits 2; -bogda_trace shows the traceback of a user error. bogda-grid and bogda-inventory
#   run from a scratch folder (the data found beside the program, a copy of it, or through
#   BOGDA_DATA), every program's log starts with its version and ends with its completion line,
#   and every NetCDF file written carries the global attribute bogda_version.
# Command: tests/regression/help.sh
# Tolerance: none (exit statuses, log lines, file lists).
. "$(dirname "$0")/../lib.sh"
dir=$(scratch help)
case=$ROOT/tests/regression/idealised/case.nml
version=$(cat "$ROOT/build/version.txt")
errors() { grep -cE '^[a-z_-]+: (internal )?error' "$1"; } # errors LOG: its error lines

# -help: exit 0, every group, no PETSc options, nothing read or written.
mkdir -p "$dir/empty"
helps() { # helps PROGRAM ARGS...: -help in an empty folder; its output in $dir/PROGRAM.help
  local p=$1; shift
  (cd "$dir/empty" && "$BIN/$p" -help "$@") >"$dir/$p.help" 2>"$dir/$p.help.err"
  local rc=$?
  [ "$rc" -eq 0 ] && [ -z "$(ls -A "$dir/empty")" ] && [ ! -s "$dir/$p.help.err" ] &&
    ! grep -qiE 'PETSC ERROR|Options for all PETSc programs|-malloc_dump|-log_view <' "$dir/$p.help"
}
helps bogda; ok $? "bogda -help exits 0, writes nothing and prints none of PETSc's options ($(wc -l <"$dir/bogda.help") lines)"
"$BIN/bogda" -namelist_reference >"$dir/reference.md" 2>&1
diff <(sed -n 's/^### &\([a-z_0-9]*\):.*/\1/p' "$dir/reference.md") <(sed -n 's/^&\([a-z_0-9]*\):.*/\1/p' "$dir/bogda.help") \
  >"$dir/groups.diff" && [ "$(grep -c '^### &' "$dir/reference.md")" -gt 15 ]
ok $? "bogda -help lists every group of the registry, in order ($(grep -c '^&' "$dir/bogda.help") groups, met_wrf and met_diagnostic included)"
diff <(grep -oE '^\| `[a-z_0-9]+` \| `-[a-z_0-9]+`' "$dir/reference.md" | grep -oE -- '-[a-z_0-9]+') \
  <(grep -oE '^  -[a-z_0-9]+' "$dir/bogda.help" | sed -n '/^  -run_name$/,$p' | tr -d ' ') >"$dir/keys.diff"
ok $? "and every key of every group, as its option ($(grep -c '^  -[a-z_0-9]* ' "$dir/bogda.help") keys)"
grep -qE '^  -run_hours +real +24 +simulated time from start \[h; 0 to 1e\+06\]$' "$dir/bogda.help"
ok $? "a key's line gives the type, the default, the meaning, the units and the range"
cp "$dir/bogda.help" "$dir/bogda_plain.help"
helps bogda -met_source wrf && cmp -s "$dir/bogda.help" "$dir/bogda_plain.help"
ok $? "bogda -met_source wrf -help exits 0 without asking for wrfout files"
helps bogda -namelist "$dir/no_such.nml"; ok $? "bogda -namelist MISSING.nml -help exits 0: no file is read"
(cd "$dir/empty" && mpirun_n 2 "$BIN/bogda" -help) >"$dir/bogda2.help" 2>&1
[ $? -eq 0 ] && [ "$(grep -c '^&run:' "$dir/bogda2.help")" -eq 1 ] && [ -z "$(ls -A "$dir/empty")" ]
ok $? "on 2 ranks, -help is printed once"
helps bogda-grid && [ "$(sed -n 's/^&\([a-z_<>]*\):.*/\1/p' "$dir/bogda-grid.help" | tr '\n' ' ')" = "grid_tool landuse units receptor domain_<name> " ] &&
  grep -q -- '-domain_<name>_parent_grid_ratio' "$dir/bogda-grid.help" && grep -q -- '-grid_tool_dem_file' "$dir/bogda-grid.help"
ok $? "bogda-grid -help exits 0 before any work and lists its groups &grid_tool &landuse &units &receptor &domain_<name>"
helps bogda-inventory && [ "$(sed -n 's/^&\([a-z_<>]*\):.*/\1/p' "$dir/bogda-inventory.help" | tr '\n' ' ')" = "grid_tool landuse units receptor domain_<name> inventory " ] &&
  grep -q -- '-inventory_share_power' "$dir/bogda-inventory.help"
ok $? "bogda-inventory -help exits 0 without building the inventory, and lists the grid tool's groups and &inventory"
helps bogda-predict && [ "$(sed -n 's/^&\([a-z_<>]*\):.*/\1/p' "$dir/bogda-predict.help")" = scenario ] &&
  grep -q -- '-scenario_factor' "$dir/bogda-predict.help"
ok $? "bogda-predict -help exits 0 and lists &scenario"

# -version: what git describes (the hash part: the tree may have changed since the build).
for p in bogda bogda-grid bogda-inventory bogda-predict; do
  (cd "$dir/empty" && "$BIN/$p" -version) >"$dir/$p.version" 2>&1 || echo "exit $?" >>"$dir/$p.version"
done
v=$(cut -d' ' -f2 "$dir/bogda.version")
for p in bogda bogda-grid bogda-inventory bogda-predict; do grep -qE "^$p $v \(PETSc [0-9.]+, NetCDF [0-9.]+, " "$dir/$p.version" || v=; done
if git -C "$ROOT" rev-parse --show-toplevel >/dev/null 2>&1; then want=$(git -C "$ROOT" describe --always --dirty); else want=$version; fi
[ -n "$v" ] && [ "${v%-dirty}" = "${want%-dirty}" ] && [ -z "$(ls -A "$dir/empty")" ]
ok $? "-version of every program: $(cat "$dir/bogda.version") (git describe: $want)"
mkdir -p "$dir/tarball"
cp "$ROOT/Makefile" "$dir/tarball/"
make -s -C "$dir/tarball" build/version.txt >/dev/null 2>&1 && t1=$(cat "$dir/tarball/build/version.txt")
echo "1.2.3" >"$dir/tarball/VERSION"
make -s -C "$dir/tarball" build/version.txt >/dev/null 2>&1 && t2=$(cat "$dir/tarball/build/version.txt")
[ "${t1:-}" = unknown ] && [ "${t2:-}" = 1.2.3 ]
ok $? "a tree without .git builds version 'unknown', or the one its VERSION file says"

# User errors: one line, once, before any file.
sed 's/^  hours = 6$/  hourz = 6/' "$case" >"$dir/bad.nml"
line=$(grep -n 'hourz' "$dir/bad.nml" | cut -d: -f1)
want="^bogda: error: $dir/bad.nml:$line: unknown key hourz in group &run \(did you mean hours\?\)$"
for np in 1 2; do
  mkdir -p "$dir/bad$np"
  (cd "$ROOT" && mpirun_n "$np" "$BIN/bogda" -namelist "$dir/bad.nml" -run_output_dir "$dir/bad$np") >"$dir/bad$np.log" 2>&1
  rc=$?
  [ "$rc" -ne 0 ] && [ "$(errors "$dir/bad$np.log")" -eq 1 ] && grep -qE "$want" "$dir/bad$np.log" &&
    ! grep -q 'PETSC ERROR' "$dir/bad$np.log" && [ -z "$(ls -A "$dir/bad$np")" ]
  ok $? "a misspelt key on $np rank(s): exit $rc, one line, no file (not even the lock): $(grep -E '^bogda: error' "$dir/bad$np.log" | sed "s|$dir/||")"
done
(cd "$ROOT" && "$BIN/bogda" -namelist "$dir/bad.nml" -run_output_dir "$dir/bad1") >/dev/null 2>"$dir/bad_stderr.log"
[ "$(errors "$dir/bad_stderr.log")" -eq 1 ]; ok $? "the error line goes to standard error"
printf '&run\n  name = "grp"\n/\n&tagz\n  enabled = .true.\n/\n' >"$dir/group.nml"
mkdir -p "$dir/group"
(cd "$ROOT" && "$BIN/bogda" -namelist "$case,$dir/group.nml" -run_output_dir "$dir/group") >"$dir/group.log" 2>&1
[ $? -eq 1 ] && grep -qE "^bogda: error: $dir/group.nml:5: unknown group &tagz \(did you mean &tags\?\)$" "$dir/group.log" &&
  ! grep -q 'emissions in the domain' "$dir/group.log" && [ -z "$(ls -A "$dir/group")" ]
ok $? "a misspelt group is refused (exit 1) before the emission table is printed and before any file"
mkdir -p "$dir/late"
(cd "$ROOT" && mpirun_n 2 "$BIN/bogda" -namelist "$case" -run_output_dir "$dir/late" -emissions_points_file "$dir/none.csv") >"$dir/late.log" 2>&1
[ $? -ne 0 ] && [ "$(errors "$dir/late.log")" -eq 1 ] && grep -q "^bogda: error: cannot open point-source file $dir/none.csv" "$dir/late.log" &&
  [ -z "$(ls -A "$dir/late")" ]
ok $? "an input refused after the set-up began (a missing points file, 2 ranks) leaves no file, not even the lock"
mkdir -p "$dir/trace"
(cd "$ROOT" && "$BIN/bogda" -namelist "$dir/bad.nml" -run_output_dir "$dir/trace" -bogda_trace) >"$dir/trace.log" 2>&1
[ $? -ne 0 ] && grep -q 'PETSC ERROR: #1 ' "$dir/trace.log" && grep -qE "$want" "$dir/trace.log"
ok $? "-bogda_trace adds PETSc's traceback to a user error"
(cd "$dir/empty" && "$BIN/bogda-grid" -namelist "$dir/bad.nml" -out .) >"$dir/grid_bad.log" 2>&1
[ $? -eq 1 ] && [ "$(errors "$dir/grid_bad.log")" -eq 1 ] && grep -q "^bogda-grid: error: $dir/bad.nml:[0-9]*: unknown group &run" "$dir/grid_bad.log" &&
  [ -z "$(ls -A "$dir/empty")" ]
ok $? "bogda-grid: a namelist of another program is one line: $(grep -m1 -oE 'unknown group &run.{0,30}' "$dir/grid_bad.log")"
"$BIN/bogda-predict" -run "$dir" >"$dir/predict_usage.log" 2>&1
[ $? -eq 1 ] && [ "$(errors "$dir/predict_usage.log")" -eq 1 ] && grep -q '^bogda-predict: error: usage: bogda-predict -run DIR' "$dir/predict_usage.log"
ok $? "bogda-predict without its options: one line with the usage"

# The error paths themselves (tests/tools/error_paths.c): every rank, one rank, different messages,
# an internal error.
paths() { # paths NAME NP ARGS...: run error_paths; rc and seconds in $rc, $secs
  local name=$1 np=$2 t0; shift 2
  t0=$(date +%s)
  timeout 60 mpiexec --oversubscribe -n "$np" "$TBIN/error_paths" "$@" >"$dir/$name.log" 2>&1
  rc=$? secs=$(( $(date +%s) - t0 ))
}
paths same 2 -kind user
[ "$rc" -eq 1 ] && [ "$(errors "$dir/same.log")" -eq 1 ] && grep -qx 'error_paths: error: error_paths: a user error' "$dir/same.log"
ok $? "a user error raised on both ranks: printed once, exit 1"
paths differ 2 -kind user -differ
[ "$rc" -eq 1 ] && [ "$(errors "$dir/differ.log")" -eq 2 ] && grep -qx 'error_paths: error: error_paths: a user error of rank 0' "$dir/differ.log" &&
  grep -qx 'error_paths: error (rank 1): error_paths: a user error of rank 1' "$dir/differ.log"
ok $? "different messages of different ranks: each once, the other rank's named"
paths alone 2 -kind user -rank 1
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$secs" -le 30 ] && [ "$(errors "$dir/alone.log")" -eq 1 ] &&
  grep -qx 'error_paths: error (rank 1): error_paths: a user error' "$dir/alone.log"
ok $? "an error raised on rank 1 only, while rank 0 waits in a collective call: printed, both ranks stop ($secs s, exit $rc)"
paths internal 1 -kind internal
[ "$rc" -eq 2 ] && grep -q 'PETSC ERROR: #1 raise() at tests/tools/error_paths.c' "$dir/internal.log" &&
  grep -qx 'error_paths: internal error: error_paths: an internal error' "$dir/internal.log"
ok $? "an internal error keeps PETSc's traceback, ends with one line, exit 2"
mkdir -p "$dir/rank0/idealised_effective.nml.tmp" # rank 0 alone cannot write its effective namelist
t0=$(date +%s)
(cd "$ROOT" && timeout 120 mpiexec --oversubscribe -n 2 "$BIN/bogda" -namelist "$case" -run_output_dir "$dir/rank0" -run_hours 1) \
  >"$dir/rank0.log" 2>&1
rc=$? secs=$(( $(date +%s) - t0 ))
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$(errors "$dir/rank0.log")" -eq 1 ] &&
  grep -q "^bogda: error (rank 0): $dir/rank0/idealised_effective.nml: cannot write" "$dir/rank0.log"
ok $? "bogda: a write refused on rank 0 alone stops both ranks ($secs s, exit $rc), printed once"

# From a scratch folder: the tools find the shipped data beside the program; logs start with the
# version and end with the completion line; every NetCDF file names the version.
s=$dir/scratch; mkdir -p "$s/out"
{ cat "$ROOT/tests/regression/nest/domain.nml"; sed -n '/^&receptor/,/^\//p' "$ROOT/tests/regression/attribution/domain.nml"; } >"$dir/domains.nml"
(cd "$s" && "$BIN/bogda-grid" -namelist "$dir/domains.nml" -out .) >"$dir/grid.log" 2>&1
ok $? "bogda-grid runs from a scratch folder"
(cd "$s" && "$BIN/bogda-inventory" -namelist "$ROOT/namelists/domains.nml" -inventory "$ROOT/namelists/inventory.nml" -out .) \
  >"$dir/inventory.log" 2>&1
ok $? "bogda-inventory runs from a scratch folder"
(cd "$s" && "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/nest/case.nml" -run_name parent \
  -run_output_dir out -run_domain_file att27_domain.nc -run_dt 900 -run_hours 1 -nest_child_domain_file att9_domain.nc \
  -emissions_gridded_file xinjiang_inventory.nc -met_output out/met.nc) >"$dir/parent.log" 2>&1
ok $? "bogda runs there on the files they wrote"
printf "&scenario\n  name = 'power_half'\n  select = 'all'\n  sectors = 'power'\n  species = 'all'\n  factor = 0.5\n/\n" >"$s/half.nml"
(cd "$s" && "$BIN/bogda-predict" -run out -domain att27_domain.nc -scenarios half.nml -out predicted.csv) >"$dir/predict.log" 2>&1
ok $? "bogda-predict predicts a scenario from that run"
for p in grid inventory parent predict; do
  case $p in grid) n=bogda-grid; last='^bogda-grid: completed: 2 domains written to \.' ;;
    inventory) n=bogda-inventory; last='^bogda-inventory: completed: inventory written to \.' ;;
    parent) n=bogda; last='^bogda: run parent completed: 2024-01-10T00:00:00Z to 2024-01-10T01:00:00Z, 4 steps in .* wall; outputs in out$' ;;
    predict) n=bogda-predict; last='^bogda-predict: completed: 1 scenario predicted from out; the table is predicted.csv$' ;;
  esac
  head -n 1 "$dir/$p.log" | grep -qE "^$n $version \(PETSc .*\) on 1 rank, started 20[0-9-]+T[0-9:]+Z$" &&
    tail -n 1 "$dir/$p.log" | grep -qE "$last"
  ok $? "$n: the log starts with the version and ends with: $(tail -n 1 "$dir/$p.log")"
done
files=$(cd "$s" && ls ./*.nc out/*.nc)
missing=$(for f in $files; do ncdump -h "$s/$f" | grep -q ":bogda_version = \"$version\"" || echo "$f"; done)
[ -z "$missing" ] && echo "$files" | grep -q 'bdy_' && echo "$files" | grep -q 'receptors_' && echo "$files" | grep -q 'met.nc' &&
  echo "$files" | grep -q 'inventory.nc' && echo "$files" | grep -q 'att9_domain.nc'
ok $? "every NetCDF file carries bogda_version = \"$version\": $(echo $files)${missing:+; missing in: $missing}"
grep -q "^! The effective configuration of this run (Bogda $version)" "$s/out/parent_effective.nml"
ok $? "the effective namelist names the version"
mkdir -p "$dir/inst/bin" "$dir/inst/share/bogda" "$dir/away"
cp "$BIN/bogda-grid" "$dir/inst/bin/"
ln -sfn "$ROOT/data" "$dir/inst/share/bogda/data"
(cd "$dir/away" && "$dir/inst/bin/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out .) >"$dir/inst.log" 2>&1 &&
  [ -s "$dir/away/att27_domain.nc" ]
ok $? "an installed copy (PREFIX/bin, PREFIX/share/bogda/data) finds its data"
rm -rf "$dir/inst/share" "$dir/away"/*
(cd "$dir/away" && "$dir/inst/bin/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out .) >"$dir/nodata.log" 2>&1
[ $? -eq 1 ] && [ "$(errors "$dir/nodata.log")" -eq 1 ] && grep -q '^bogda-grid: error: .*data/xinjiang_' "$dir/nodata.log"
ok $? "without the data it says which file it looked for: $(grep -m1 -oE 'error: .{0,90}' "$dir/nodata.log")"
(cd "$dir/away" && BOGDA_DATA=$ROOT/data "$dir/inst/bin/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out .) \
  >"$dir/env.log" 2>&1 && [ -s "$dir/away/att27_domain.nc" ]
ok $? "BOGDA_DATA names the data folder"
(cd "$dir/away" && BOGDA_DATA=$dir/nowhere "$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out .) >"$dir/env_bad.log" 2>&1
[ $? -eq 1 ] && grep -q "^bogda-grid: error: .*$dir/nowhere/xinjiang_" "$dir/env_bad.log"
ok $? "and a wrong BOGDA_DATA is named in the error"
# The post-processing programs work on one process: on two, one line and nothing written
# (each rank wrote the same table before).
for p in bogda-predict bogda-query bogda-strategy; do
  mkdir -p "$dir/serial_$p"
  (cd "$dir/serial_$p" && mpirun_n 2 "$BIN/$p" -run . -domain none.nc -out t.csv >out.log 2>&1)
  st=$?
  [ $st -ne 0 ] && [ "$(grep -c "^$p: error: $p runs on one process, not 2: start it without mpiexec" "$dir/serial_$p/out.log")" = 1 ] &&
    [ -z "$(ls "$dir/serial_$p" | grep -v '^out.log$')" ]
  ok $? "$p on 2 ranks: refused with one line (exit $st), nothing written"
done
done_testing
