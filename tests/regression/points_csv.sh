#!/usr/bin/env bash
# Title: the point-source CSV users copy is a plain CSV (issue 17, "Tools and data")
# Description: bogda-inventory's xinjiang_points.csv and the shipped sample
#   tests/regression/idealised/points.csv start with their header and hold no comment line, so
#   csv.DictReader reads every row with every column (a first comment line became the header
#   before); the model reads the written file, and still reads a copy with comment lines before
#   the header and between rows to the same emissions (its reader skips '#' lines).
. "$(dirname "$0")/../lib.sh"
dir=$(scratch points_csv)
"$BIN/bogda-inventory" -namelist "$ROOT/namelists/domains.nml" -inventory "$ROOT/namelists/inventory.nml" -out "$dir" >"$dir/inv.log" 2>&1
ok $? "the inventory built"
dictreader() { # dictreader FILE: every row has every column of a header that starts with id
  "$PY" - "$1" <<'PYEOF'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as fp:
    first = fp.readline()
    fp.seek(0)
    rows = list(csv.DictReader(fp))
assert not first.startswith("#"), f"first line is a comment: {first!r}"
assert rows, "no rows"
cols = list(rows[0].keys())
assert cols[:4] == ["id", "name", "lon", "lat"] and "sector" in cols and "so2_t_yr" in cols, cols
for r in rows:
    assert None not in r and all(v is not None for v in r.values()), r
    float(r["lon"]), float(r["lat"]), float(r["so2_t_yr"])
print(f"{len(rows)} rows of {len(cols)} columns")
PYEOF
}
for f in "$dir/xinjiang_points.csv" "$ROOT/tests/regression/idealised/points.csv"; do
  out=$(dictreader "$f" 2>&1); ok $? "csv.DictReader reads ${f#$ROOT/} from its header: $(echo "$out" | tail -n 1)"
done
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$dir" >"$dir/grid.log" 2>&1
ok $? "att27 built"
{ echo "# a user's note before the header"; head -n 2 "$dir/xinjiang_points.csv"; echo "# and one between rows"; tail -n +3 "$dir/xinjiang_points.csv"; } >"$dir/commented.csv"
model() { # model NAME POINTS: one hour with the points alone
  mkdir -p "$dir/$1"
  "$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/attribution/case.nml" -run_name "$1" \
    -run_output_dir "$dir/$1" -run_domain_file "$dir/att27_domain.nc" -emissions_gridded_file '' -emissions_points_file "$2" \
    -run_hours 1 -tags_enabled false >"$dir/$1.log" 2>&1
}
model plain "$dir/xinjiang_points.csv"; ok $? "the model reads the written file"
model commented "$dir/commented.csv"; ok $? "and a copy with comment lines"
diff "$dir/plain/plain_emissions.csv" "$dir/commented/commented_emissions.csv" >"$dir/diff.log"
ok $? "both give the same emissions report"
"$TBIN/nccompare" "$dir/plain/plain_20240110T0000Z.nc" "$dir/commented/commented_20240110T0000Z.nc" >"$dir/cmp.log" 2>&1
ok $? "and the same output bits"
done_testing
