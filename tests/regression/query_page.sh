#!/usr/bin/env bash
# Title: bogda-query and the public query page in a real browser (issue 16, items 5 and 6)
# Description: a 6-hour tagged run on the small att27 domain (tests/regression/attribution/case.nml);
#   bogda-query's unit totals summed by prefecture against the run's emission table, its answers
#   (a unit, a project, bad inputs); the query page written by postproc/query_page.py with an
#   illustrative strategy table beside the run, opened from file:// in headless Chromium (Debian's
#   chromium driven by puppeteer-core, installed from tests/browser/package-lock.json into
#   build/tests/browser): search a unit, click one on the map, fill the project form, and every
#   number shown equals bogda-query's -json answer (full value exactly, text to 4 digits) and
#   every strategy cell the CSV; with the run's backward-run footprints on the page
#   (query_page.py --footprints), a surface project's footprint-based answer equals bogda-query
#   -footprints's to the bit, and a stack's is left to bogda-query; a page whose coefficients
#   differ in the last bits must fail. The screenshot after the project query is build/tests/query_page.png.
# Command: tests/run.sh tests/regression/query_page.sh
# Tolerance: exact (the page's values are bogda-query's doubles); unit emissions 1e-12 relative.
. "$(dirname "$0")/../lib.sh"
dir=$(scratch query_page)
# The browser: Debian's chromium ($CHROMIUM) and puppeteer-core from npm (no browser download),
# installed into build/tests/browser from the committed lockfile; sets why to what is missing.
browser=$ROOT/build/tests/browser
export CHROMIUM=${CHROMIUM:-chromium}
find_browser() {
  why=
  command -v "$CHROMIUM" >/dev/null 2>&1 || { why="$CHROMIUM is not installed (make deps-check installs Debian's chromium)"; return; }
  command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 || { why="node and npm are not installed (apt-get install npm)"; return; }
  if ! cmp -s "$ROOT/tests/browser/package-lock.json" "$browser/package-lock.json" ||
     [ ! -d "$browser/node_modules/puppeteer-core" ]; then
    mkdir -p "$browser" && cp "$ROOT/tests/browser/package.json" "$ROOT/tests/browser/package-lock.json" "$browser/" &&
      (cd "$browser" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund >npm.log 2>&1) ||
      why="npm could not install puppeteer-core (see $browser/npm.log)"
  fi
}
if [ "${1:-}" = --no-browser-probe ]; then # only what the test says when the browser is missing
  find_browser; [ -z "$why" ]; ok $? "the query page in headless Chromium${why:+: $why}"; done_testing; exit
fi
shot=$ROOT/build/tests/query_page.png
mkdir -p "$dir/empty"
(cd "$dir/empty" && "$BIN/bogda-query" -help) >"$dir/help.txt" 2>&1 && grep -q '^Usage: bogda-query -run DIR' "$dir/help.txt" &&
  grep -q -- '-lonlat LON,LAT' "$dir/help.txt" && [ -z "$(ls -A "$dir/empty")" ]
ok $? "bogda-query -help exits 0 with its usage and reads nothing"
(cd "$dir/empty" && "$BIN/bogda-query" -version) >"$dir/version.txt" 2>&1 && grep -qE '^bogda-query [^ ]+ \(PETSc [0-9.]+, NetCDF [0-9.]+, ' "$dir/version.txt"
ok $? "bogda-query -version: $(cat "$dir/version.txt")"
"$BIN/bogda-query" -run "$dir" >"$dir/usage.log" 2>&1
[ $? -eq 1 ] && [ "$(grep -c error "$dir/usage.log")" -eq 1 ] && grep -q '^bogda-query: error: usage: bogda-query -run DIR' "$dir/usage.log"
ok $? "bogda-query without its options: one line with the usage"
"$BIN/bogda-grid" -namelist "$ROOT/tests/regression/attribution/domain.nml" -out "$dir" >"$dir/grid.log" 2>&1
ok $? "att27 domain built"
"$BIN/bogda-inventory" -namelist "$ROOT/namelists/domains.nml" -inventory "$ROOT/namelists/inventory.nml" -out "$dir" >"$dir/inv.log" 2>&1
ok $? "inventory built"
mkdir -p "$dir/base"
"$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/attribution/case.nml" \
  -run_output_dir "$dir/base" -run_domain_file "$dir/att27_domain.nc" -emissions_gridded_file "$dir/xinjiang_inventory.nc" \
  -emissions_points_file "$dir/xinjiang_points.csv" -run_hours 6 \
  -adjoint_enabled -adjoint_receptors WCS,KDW -adjoint_species pm25 >"$dir/base.log" 2>&1
ok $? "a 6-hour tagged base run with a backward run (footprints of PM2.5 at WCS and KDW)"
fp=$dir/base/att_adjoint_footprints.nc
q() { "$BIN/bogda-query" -run "$dir/base" -domain "$dir/att27_domain.nc" "$@" 2>"$dir/q.err"; }
q -page_data "$dir/page.json" >/dev/null
ok $? "bogda-query -page_data exports every unit"
out=$("$PY" - "$dir/page.json" "$dir/base/att_emissions.csv" <<'PY'
import collections, csv, json, sys
d = json.load(open(sys.argv[1]))
tot = collections.defaultdict(float)
for u in d["units"]:
    p = u["prefecture"]["code"] if u["prefecture"] else "0"
    for s in d["sectors"]:
        for k, v in u["emissions_t_yr"][s].items():
            tot[(p, s, k)] += v
rows = list(csv.DictReader(open(sys.argv[2])))
worst = max(abs(float(r["t_per_year"]) - tot[(r["prefecture_code"], r["sector"], r["species"])]) / float(r["t_per_year"]) for r in rows)
print(f"{len(rows)} rows, largest relative difference {worst:.2g}")
sys.exit(0 if rows and worst < 1e-12 else 1)
PY
); ok $? "unit emissions summed by prefecture equal the run's emission table: $out"
out=$("$PY" - "$dir/page.json" "$dir/base" <<'PY'
# The coefficients and shares from the receptor file itself: a unit tagged alone has its tag's
# mean; a unit tagged with others (a prefecture's other units) has the tag's mean over the
# group's emission of the precursor, and its share is that times its own emission.
import collections, glob, sys
import numpy as np
from netCDF4 import Dataset, chartostring
d = __import__("json").load(open(sys.argv[1]))
with Dataset(glob.glob(sys.argv[2] + "/*_receptors_*.nc")[0]) as f:
    f.set_auto_chartostring(False)  # the names declare _Encoding; chartostring decodes them
    labels = [str(x) for x in chartostring(f["tag_label"][:])]
    species = [str(x) for x in chartostring(f["species_name"][:])]
    recs = [str(x) for x in chartostring(f["receptor_name"][:])]
    contrib = np.asarray(f["contribution"][:])
    conc = np.asarray(f["conc"][:])
mean = lambda a: sum(a[t] / a.shape[0] for t in range(a.shape[0]))  # as bogda-query sums
src = {s: d["species"][d["source"][k]] for k, s in enumerate(d["species"][:-1])}
group = collections.defaultdict(lambda: collections.defaultdict(float))
for u in d["units"]:
    if u["tags"]:
        for s, v in u["emissions_t_yr"]["total"].items():
            group[u["tags"]["label"]][s] += v
worst, n, kinds = 0.0, 0, set()
for u in d["units"]:
    if not u["tags"] or u["tags"]["family"] != 0:
        continue
    n_tag = labels.index(u["tags"]["label"])
    for h, r in enumerate(recs):
        for k, s in enumerate(species[:-1]):
            c = mean(contrib[:, h, k, n_tag])
            e = group[u["tags"]["label"]][src[s]]
            if e <= 0 or c == 0:
                continue
            coef = c / e
            share = c if u["tags"]["resolved"] else coef * u["emissions_t_yr"]["total"][src[s]]
            for got, want in ((u["coefficient"][r][s], coef), (u["contribution"][r][s], share)):
                worst = max(worst, abs(got - want) / abs(want))
            n += 1
            kinds.add(u["tags"]["resolved"])
for h, r in enumerate(d["hotspots"]):
    worst = max(worst, max(abs(r["mean"][s] - mean(conc[:, h, k])) / mean(conc[:, h, k]) for k, s in enumerate(species)))
print(f"{n} coefficients of units tagged alone and in groups, largest relative difference {worst:.2g}")
sys.exit(0 if n > 0 and kinds == {True, False} and worst < 1e-12 else 1)
PY
); ok $? "coefficients, shares and hotspot means recomputed from the receptor file: $out"
q -unit 652301-K1 -json >"$dir/unit.json"
"$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); u=d['unit']; sys.exit(0 if u['tags']['resolved'] and u['kind']=='key' and abs(u['contribution']['WCS']['pm25']) > 0 and 'illustrative' in d['note'] else 1)" "$dir/unit.json"
ok $? "bogda-query -unit 652301-K1: a key unit tagged alone, its PM2.5 share at WCS, the coefficient called illustrative"
q -name 昌吉市重点管控单元 >"$dir/name.txt" && grep -q "^unit 652301-K1" "$dir/name.txt" && grep -q "unit-average" "$dir/name.txt"
ok $? "bogda-query -name finds the unit by its Chinese name (text answer)"
q -lonlat 87.3,44.0 -emit so2=100,nox=50 -json >"$dir/project.json"
"$PY" - "$dir/project.json" "$dir/unit.json" <<'PY'
import json, sys
p, u = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
c = u["unit"]["coefficient"]["WCS"]
want = c["so4"] * 100 + 0 + c["no3"] * 50 + 0  # so4, no3, nh4 (no nh3), ppm25 (none): the table's order
ok = p["unit"]["code"] == "652301-K1" and p["project"]["add"]["WCS"]["pm25"] == c["so4"] * 100 + c["no3"] * 50 + c["nh4"] * 0 + c["ppm25"] * 0
sys.exit(0 if ok else 1)
PY
ok $? "bogda-query -lonlat: the project's PM2.5 at WCS is the unit's coefficients times its emissions"
bad=0
for case in "-unit NOPE|NOPE" "-name zzz|zzz" "-lonlat 200,40 -emit so2=1|200,40" "-lonlat 87.3,44 -emit so2=-1|-1" \
            "-lonlat 87.3,44 -emit so4=1|so4" "-lonlat 60,40 -emit so2=1|60,40" "-lonlat 87.3 -emit so2=1|87.3" \
            "-lonlat 87.3,44 -emit so2=1 -stack_height -3|-3"; do
  args=${case%|*}; value=${case##*|}
  # shellcheck disable=SC2086 # the options are words
  if q $args >/dev/null; then bad=$((bad + 1)); diag "accepted: $args"; continue; fi
  [ "$(grep -c 'error' "$dir/q.err")" -eq 1 ] && grep 'error' "$dir/q.err" | grep -qF -- "$value" ||
    { bad=$((bad + 1)); diag "not one line naming $value: $args: $(grep error "$dir/q.err")"; }
done
ok $bad "bad inputs are refused in one line naming the value (8 cases)"
# A run without tags: emissions and means, no shares, and a page that says so.
mkdir -p "$dir/notags"
"$BIN/bogda" -namelist "$ROOT/namelists/episode_winter.nml,$ROOT/tests/regression/attribution/case.nml" \
  -run_output_dir "$dir/notags" -run_domain_file "$dir/att27_domain.nc" -emissions_gridded_file "$dir/xinjiang_inventory.nc" \
  -emissions_points_file "$dir/xinjiang_points.csv" -run_hours 1 -tags_enabled false >"$dir/notags.log" 2>&1 &&
  "$BIN/bogda-query" -run "$dir/notags" -domain "$dir/att27_domain.nc" -lonlat 87.3,44 -emit so2=1 -json >"$dir/notags.json" 2>"$dir/q.err" &&
  "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d['unit']['tags'] is None and d['project']['add'] is None and d['unit']['emissions_t_yr']['total']['so2'] > 0 else 1)" "$dir/notags.json" &&
  "$PY" "$ROOT/postproc/query_page.py" "$dir/notags" --domain "$dir/att27_domain.nc" >"$dir/notags_page.log" 2>&1
ok $? "a run without tags: bogda-query gives the unit's emissions and no shares (null), and the page is written"
# An illustrative strategy beside the run (the tables and columns bogda-strategy writes).
cat >"$dir/base/strategy_units.csv" <<'CSV'
unit_code,unit_name,kind,prefecture,sector,precursor,cut_percent,cut_t_yr,cost_yuan
652301-K1,昌吉市重点管控单元,key,652300,industry,so2,35.5,350.46,4205520
652301-K1,昌吉市重点管控单元,key,652300,residential,ppm25,20,131.14,1967100
654202-K1,乌苏市重点管控单元,key,654200,power,nox,12.25,40.1,802000
CSV
cat >"$dir/base/strategy_targets.csv" <<'CSV'
receptor,constraint,day,base_ug_m3,target_ug_m3,predicted_ug_m3,shadow_price_yuan_per_ug_m3
WCS,day,2024-01-10,40.1,36.2,36.2,0
WCS,mean,,31.862,28.675799999999999,28.6758,1523340.25
KDW,mean,,21.2,19.08,19.08,0
CSV
"$PY" "$ROOT/postproc/query_page.py" "$dir/base" --domain "$dir/att27_domain.nc" --footprints "$fp" >"$dir/page.log" 2>&1 &&
  [ -s "$dir/base/query/index.html" ] && [ -s "$dir/base/query/data.js" ]
ok $? "query_page.py writes $dir/base/query/index.html and data.js (with the footprints)"
out=$("$PY" - "$dir/base/query/data.js" "$fp" <<'PY'
# The page's footprints: layer 0 of every cell of the file, for the emitted species, exactly.
import json, sys, netCDF4
text = open(sys.argv[1], encoding="utf-8").read()
d = json.loads(text.split("window.BOGDA_QUERY = ", 1)[1].split(";\nwindow.BOGDA_ERROR", 1)[0])
F, nx = d["footprints"], d["grid"]["nx"]
n = 0
with netCDF4.Dataset(sys.argv[2]) as f:
    for m, fn in enumerate(F["functionals"]):
        for e, k in enumerate(F["species"]):
            v = f[f"sens_{m + 1}_{d['species'][k]}"][0, 0, :, :].astype(float)
            for c, cell in enumerate(F["surface"]):
                n += 1
                if cell[m][e] != v[c // nx, c % nx]:
                    sys.exit(f"cell {c} {fn['label']} {d['species'][k]}: {cell[m][e]} != {v[c // nx, c % nx]}")
print(f"{n} values, functionals {', '.join(f['label'] for f in F['functionals'])}")
PY
); ok $? "the page's footprints are the file's layer 0 to the bit: $out"
find_browser
if [ -n "$why" ]; then
  ok 1 "the query page in headless Chromium: $why"
  done_testing; exit
fi
CHROMIUM=$(command -v "$CHROMIUM")
ok 0 "chromium $("$CHROMIUM" --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -n 1) and puppeteer-core $(node -p "require('$browser/node_modules/puppeteer-core/package.json').version")"
page() { PUPPETEER_DIR=$browser timeout 120 node "$ROOT/tests/browser/query_page.js" \
  --bin "$BIN" --run "$dir/base" --domain "$dir/att27_domain.nc" --strategy "$dir/base" --unit 652301-K1 --click 654202-K1 \
  --footprints "$fp" "$@"; }
page --page "file://$dir/base/query/index.html" --shot "$shot" >"$dir/browser.log" 2>&1; rc=$?
while IFS='|' read -r status what; do
  case $status in ok) ok 0 "$what" ;; fail) ok 1 "$what" ;; *) diag "$status${what:+|$what}" ;; esac
done <"$dir/browser.log"
[ $rc -eq 0 ] && [ -s "$shot" ]; ok $? "the browser session passed; screenshot after the project query: $shot"
page --page "file://$dir/base/query/index.html" --shot "$dir/tampered.png" --tamper >"$dir/tampered.log" 2>&1; rc=$?
[ $rc -ne 0 ] && grep -q '^fail|project at .*differ, first: project.add.*ppm25: page' "$dir/tampered.log"
ok $? "a page whose ppm25 coefficients differ in the last bits fails the check ($(grep -c '^fail' "$dir/tampered.log") checks failed)"
# Served to other machines: python3 -m http.server in the run folder.
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$dir/base" && exec "$PY" -m http.server "$port" --bind 127.0.0.1 >"$dir/http.log" 2>&1) &
server=$!
for _ in $(seq 50); do "$PY" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/query/')" 2>/dev/null && break; sleep 0.2; done
page --page "http://127.0.0.1:$port/query/index.html" --shot "$dir/served.png" >"$dir/served.log" 2>&1; rc=$?
kill "$server" 2>/dev/null; wait "$server" 2>/dev/null
[ $rc -eq 0 ]; ok $? "the same checks through python3 -m http.server ($(grep -c '^ok' "$dir/served.log") passed, $(grep -c '^fail' "$dir/served.log") failed)"
# Without a browser the test must say so, not pass.
out=$(CHROMIUM=/nonexistent/chromium BOGDA_TMP=$dir/nobrowser "$0" --no-browser-probe 2>&1 | grep -F 'not ok' | head -n 1)
echo "$out" | grep -q "/nonexistent/chromium is not installed"; ok $? "with no chromium the test reports: ${out#* - }"
done_testing
