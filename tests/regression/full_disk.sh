#!/usr/bin/env bash
# Title: a full disk leaves no half-written file under a final name (issue 18 item 6)
# Description: bogda-grid, bogda-inventory and bogda write into a small tmpfs that is filled so
#   that one chosen output no longer fits: the units CSV of bogda-grid, the totals CSV of
#   bogda-inventory, and bogda's emissions CSV, effective namelist and first history file. Each
#   must exit non-zero with one error line that names the file and the cause ("No space left on
#   device"), and leave nothing under that file's final name and no temporary behind (the
#   history file, a NetCDF file that fails in mid-write, may leave its "*.tmp"). Every writer goes
#   through base/atomic_file.c, so this covers the helper for text and NetCDF files.
# Command: tests/regression/full_disk.sh (needs root to mount a tmpfs; skipped otherwise)
# Tolerance: none (file presence and exit status)
. "$(dirname "$0")/../lib.sh"
out=$(scratch full_disk)
disk=$out/disk
PAGE=4096
pages() { echo $(( ($(stat -c %s "$1") + PAGE - 1) / PAGE )); }

if [ "$(id -u)" -ne 0 ] || ! mkdir -p "$disk" || ! mount -t tmpfs -o size=4m tmpfs "$disk" 2>/dev/null; then
  echo "ok 1 # SKIP mounting a small tmpfs needs root"
  TAP_N=1
  done_testing
  exit
fi
trap 'umount "$disk" 2>/dev/null' EXIT
umount "$disk"

# full FREE_BYTES: a fresh 4 MiB tmpfs at $disk with FREE_BYTES of it left free.
full() {
  umount "$disk" 2>/dev/null
  mount -t tmpfs -o size=4m tmpfs "$disk" || return 1
  local avail
  avail=$(df --output=avail -B1 "$disk" | tail -n 1)
  head -c $((avail - $1)) /dev/zero >"$disk/filler"
}

# refused NAME LOG FILE: the run failed with one line naming FILE and the cause, and left
# neither FILE nor a temporary.
refused() {
  local name=$1 log=$2 file=$3 rc=$4
  [ "$rc" -ne 0 ]; ok $? "$name: non-zero exit ($rc)"
  grep -q "$disk/$file: cannot write: No space left on device" "$log"
  ok $? "$name: one line names the file and the cause: $(grep -m1 -o "$disk/$file: cannot write: [^;]*" "$log")"
  [ ! -e "$disk/$file" ] && [ -z "$(find "$disk" -name '*.tmp')" ]
  ok $? "$name: nothing under $file, no temporary left"
}

# The sizes of the complete outputs, from runs on the ordinary disk.
ref=$out/ref
mkdir -p "$ref"
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$ref" >"$out/grid.log" 2>&1
ok $? "bogda-grid on a disk with room"
"$BIN/bogda-inventory" -namelist "$ROOT/namelists/domains.nml" -inventory "$ROOT/namelists/inventory.nml" \
  -out "$ref" >"$out/inv.log" 2>&1
ok $? "bogda-inventory on a disk with room"
idealised() { "$BIN/bogda" -namelist "$ROOT/tests/regression/idealised/case.nml" -run_hours 1 -run_output_dir "$@"; }
idealised "$ref" >"$out/run.log" 2>&1
ok $? "bogda on a disk with room"

# bogda-grid: room for the domain file and a third of the units CSV (the cut CSV of issue 18).
full $(( ($(pages "$ref/att27_domain.nc") + $(pages "$ref/att27_units.csv") / 3) * PAGE ))
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$disk" >"$out/grid_full.log" 2>&1
refused "bogda-grid, units CSV" "$out/grid_full.log" att27_units.csv $?
# The same bits but for the history attribute, which names the time each run started.
"$TBIN/nccompare" "$disk/att27_domain.nc" "$ref/att27_domain.nc" >/dev/null 2>&1 &&
  diff <(ncdump "$disk/att27_domain.nc" | grep -v ':history = ') <(ncdump "$ref/att27_domain.nc" | grep -v ':history = ') >/dev/null
ok $? "bogda-grid: the domain file written before is complete"

# bogda-inventory: room for the gridded file and the points, none for the totals.
full $(( ($(pages "$ref/xinjiang_inventory.nc") + $(pages "$ref/xinjiang_points.csv")) * PAGE ))
"$BIN/bogda-inventory" -namelist "$ROOT/namelists/domains.nml" -inventory "$ROOT/namelists/inventory.nml" \
  -out "$disk" >"$out/inv_full.log" 2>&1
refused "bogda-inventory, totals CSV" "$out/inv_full.log" xinjiang_inventory_totals.csv $?

# bogda: a full disk (the emissions CSV is its first file), then room for that file only, then
# room for the two small files and a tenth of the history file.
full 0
idealised "$disk" >"$out/run_full0.log" 2>&1
refused "bogda, emissions CSV" "$out/run_full0.log" idealised_emissions.csv $?
full $(( $(pages "$ref/idealised_emissions.csv") * PAGE ))
idealised "$disk" >"$out/run_full1.log" 2>&1
refused "bogda, effective namelist" "$out/run_full1.log" idealised_effective.nml $?
full $(( ($(pages "$ref/idealised_emissions.csv") + $(pages "$ref/idealised_effective.nml") \
  + $(pages "$ref/idealised_20240110T0000Z.nc") / 10) * PAGE ))
idealised "$disk" >"$out/run_full2.log" 2>&1
rc=$?
[ "$rc" -ne 0 ] && [ ! -e "$disk/idealised_20240110T0000Z.nc" ] &&
  grep -q "$disk/idealised_20240110T0000Z.nc: NetCDF error in .*No space left on device" "$out/run_full2.log"
ok $? "bogda, history file (parallel NetCDF): non-zero exit ($rc), nothing under its final name, one line: $(grep -m1 -o 'idealised_2024[^ ]*nc: NetCDF error.*' "$out/run_full2.log")"
done_testing
