#!/usr/bin/env bash
# Title: the layers and the format of the source tree (make lint)
# Description: tests/style/layers.py checks that no include runs upward (base -> nothing of ours;
#   grids -> base; physics -> base and grids/patch.h; model -> base, grids, physics; prep and
#   postproc -> anything below them), that every .c includes its own header first, that physics/
#   does no MPI, I/O or printing, that headers open with #pragma once and that no two C files
#   share a name. The checker is first shown a small tree that breaks each rule, and must refuse
#   it naming the place. Then clang-format checks every C file against .clang-format.
. "$(dirname "$0")/../lib.sh"
dir=$(scratch lint)
mkdir -p "$dir/base" "$dir/grids" "$dir/physics" "$dir/model/met" "$dir/prep" "$dir/postproc" "$dir/tests"
printf '#pragma once\n' >"$dir/base/param.h"
printf '#pragma once\n' >"$dir/model/run.h"
printf '#pragma once\n#include "base/param.h"\n' >"$dir/grids/grid.h"
printf '#include <stdio.h>\n#include "grids/grid.h"\n#include "model/run.h"\n' >"$dir/grids/grid.c"
printf '#include <mpi.h>\nvoid f(void) { printf("x"); }\n' >"$dir/physics/ppm.c"
printf '/* no pragma */\n' >"$dir/model/met/met_x.h"
printf '#include "model/met/met_x.h"\n#include "model/run.h"\n#include "model/met/met.h"\n' >"$dir/model/met/met_x.c"
printf '#pragma once\n#include "model/output/met_output.h"\n' >"$dir/model/met/met.h"
mkdir -p "$dir/model/output"; printf '#pragma once\n' >"$dir/model/output/met_output.h"
printf '#include "model/run.h"\n' >"$dir/prep/run.c"
printf '#include "model/run.h"\n' >"$dir/model/run.c"
out=$("$PY" "$ROOT/tests/style/layers.py" "$dir"); rc=$?
[ "$rc" -ne 0 ]; ok $? "the checker refuses a tree that breaks the rules"
for want in 'grids/grid.c:3: #include "model/run.h" reaches outside' 'grids/grid.c: first include is stdio.h' \
            'physics/ppm.c:1: physics/ includes mpi.h' 'physics/ppm.c:2: physics/ does MPI' \
            'model/met/met_x.c:2: #include "model/run.h": a met source' \
            'model/met/met_x.c:3: #include "model/met/met.h": a met source includes the contract' \
            'model/met/met.h:2: #include "model/output/met_output.h": model/met/ reads' \
            'model/met/met_x.h: the first line is not' \
            'prep/run.c and model/run.c|model/run.c and prep/run.c'; do
  grep -qE "$want" <<<"$out"; ok $? "it names: $want"
done
"$PY" "$ROOT/tests/style/layers.py" | sed 's/^\(not \)\{0,1\}ok [0-9]* - /&the tree: /' >"$dir/tree.log"
while read -r line; do
  case "$line" in
    ok*) ok 0 "${line#ok * - }" ;;
    "not ok"*) ok 1 "${line#not ok * - }" ;;
    "#"*) echo "$line" ;;
  esac
done <"$dir/tree.log"
files=$(cd "$ROOT" && git ls-files '*.c' '*.h')
(cd "$ROOT" && clang-format --dry-run --Werror $files) >"$dir/format.log" 2>&1
ok $? "every C file is formatted as .clang-format says ($(grep -cE '(warning|error):' "$dir/format.log") lines differ; make format)"
done_testing
