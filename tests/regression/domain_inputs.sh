#!/usr/bin/env bash
# Title: bad domain files are refused before the time loop (issue 18, items 4 and 9)
# Description: builds the att27 test domain, runs one hour of its case with the sector and unit
#   tags on it (the good run), then on copies of it each holding one value no domain builder
#   writes: cover lists out of range, a cover unit or a unit's prefecture that does not exist
#   (heap overflow in grids/domain.c and SEGV in model/tags.c before), NaN or negative land use,
#   a NaN latitude, a negative cell area, a NaN receptor weight or cover fraction, a terrain of
#   20 km. Each must stop the model with a non-zero exit before the time loop, with no output
#   file, naming the file, the variable, the index and the value.
# Command: tests/regression/domain_inputs.sh (from the repository root, after make _all)
. "$(dirname "$0")/../lib.sh"
dir=$(scratch domain_inputs)
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$dir" >"$dir/grid.log" 2>&1
ok $? "att27 domain built"
model() { # model NAME DOMAIN [options...]: a one-hour run of the att27 case with unit and sector tags
  # (bounded in time: before the fix a terrain above the model top hung the run)
  local name=$1 dom=$2; shift 2
  mkdir -p "$dir/$name"
  timeout 120 mpiexec --oversubscribe -n 1 "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/attribution/case.nml" \
    -run_output_dir "$dir/$name" -run_domain_file "$dom" -run_hours 1 -tags_families geo,sector \
    -tags_family_by unit,sector -tags_family_detail 650100,'' "$@" >"$dir/$name.log" 2>&1
}
model good "$dir/att27_domain.nc"; ok $? "a one-hour run on the att27 domain file"

"$PY" - "$dir/att27_domain.nc" "$dir" <<'PYEOF'
import shutil, sys
import numpy as np
from netCDF4 import Dataset
src, out = sys.argv[1], sys.argv[2]
for name, var, idx, value in [
        ("cover_count_big", "cover_count", (0, 0), 100000), ("cover_start_gap", "cover_start", (3, 4), 5),
        ("cover_unit_oob", "cover_unit", 7, 99999), ("cover_unit_negative", "cover_unit", 7, -1),
        ("unit_prefecture_oob", "unit_prefecture", 0, 999), ("unit_kind_oob", "unit_kind", 4, 7),
        ("landuse_nan", "landuse_fraction", (0, 5, 5), np.nan), ("landuse_negative", "landuse_fraction", (2, 3, 4), -0.25),
        ("lat_nan", "lat", (5, 6), np.nan), ("cell_area_negative", "cell_area", (5, 5), -1e9),
        ("receptor_nan", "receptor_weight", (1, 4, 6), np.nan), ("cover_fraction_nan", "cover_fraction", 10, np.nan),
        ("terrain_20km", "terrain", (5, 5), 20000.0)]:
    shutil.copy(src, f"{out}/{name}.nc")
    with Dataset(f"{out}/{name}.nc", "a") as d:
        d.set_auto_mask(False)
        d[var][idx] = value
PYEOF
ok $? "bad domain files written"
bad() { # bad NAME EXPECTED-REGEX: the run on NAME.nc fails before its time loop with the message
  local name=$1 want=$2 rc
  model "$name" "$dir/$name.nc"; rc=$?
  [ "$rc" -ne 0 ] && grep -qE "$want" "$dir/$name.log" && ! grep -qE '^20[0-9-]+T.* h  wall' "$dir/$name.log" &&
    [ -z "$(ls "$dir/$name"/*.nc 2>/dev/null)" ]
  ok $? "$name: exit $rc, \"$(grep -oE "$want" "$dir/$name.log" | head -n 1)\""
}
bad cover_count_big "cover_count_big.nc: cover_start, cover_count at \(y, x\) = \(0, 0\) are 0, 100000; expected a list of >= 0 entries starting at 0 .* ending within the 721 cover entries"
bad cover_start_gap "cover_start_gap.nc: cover_start, cover_count at \(y, x\) = \(3, 4\) are 5, [0-9]+; expected a list of >= 0 entries starting at [0-9]+ \(where the previous cell's ends\)"
bad cover_unit_oob "cover_unit_oob.nc: cover_unit\(cover = 7\) = 99999; expected 0 to 319, an index into the 320 units"
bad cover_unit_negative "cover_unit_negative.nc: cover_unit\(cover = 7\) = -1; expected 0 to 319, an index into the 320 units"
bad unit_prefecture_oob "unit_prefecture_oob.nc: unit_prefecture\(unit = 0\) = 999; expected -1 \(none\) or 0 to 22, an index into the 23 prefectures"
bad unit_kind_oob "unit_kind_oob.nc: unit_kind\(unit = 4\) = 7; expected 0 to 3"
bad landuse_nan "landuse_nan.nc: landuse_fraction = nan\.? at \(landuse, y, x\) = \(0, 5, 5\); expected a finite value from 0\.? to 1"
bad landuse_negative "landuse_negative.nc: landuse_fraction = -0\.25 at \(landuse, y, x\) = \(2, 3, 4\); expected a finite value from 0\.? to 1"
bad lat_nan "lat_nan.nc: lat = nan\.? at \(y, x\) = \(5, 6\); expected a finite value from -90\.? to 90"
bad cell_area_negative "cell_area_negative.nc: cell_area \(m2\) = -1e\+09 at \(y, x\) = \(5, 5\); expected a finite value from"
bad receptor_nan "receptor_nan.nc: receptor_weight = nan\.? at \(receptor, y, x\) = \(1, 4, 6\); expected a finite value from 0\.? to 1"
bad cover_fraction_nan "cover_fraction_nan.nc: cover_fraction\(cover = 10\) = nan\.?; expected a share of the cell from 0 to 1"
bad terrain_20km "terrain_20km.nc: terrain \(m\) = 20000\.? at \(y, x\) = \(5, 5\); expected a finite value from -500\.? to 9000"
done_testing
