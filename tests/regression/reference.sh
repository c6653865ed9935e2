#!/usr/bin/env bash
# Title: the namelist reference is current
# Expect: docs/namelist.md is exactly what the parameter tables in the code print (make docs).
. "$(dirname "$0")/../lib.sh"
out=$(scratch reference)
"$BIN/bogda" -namelist_reference > "$out/namelist.md" 2>"$out/err.log"
ok $? "bogda -namelist_reference runs"
diff -u "$ROOT/docs/namelist.md" "$out/namelist.md" > "$out/diff.log"
ok $? "docs/namelist.md matches the code (run make docs after changing a parameter table)"
n=$(grep -c '^| `' "$out/namelist.md"); [ "$n" -gt 100 ]; ok $? "$n keys documented"
done_testing
