#!/usr/bin/env bash
# Title: the namelist references are current
# Expect: docs/namelist.md, docs/grid.md and docs/inventory.md are exactly what the parameter
#   tables in the code print (make docs): bogda, bogda-grid and bogda-inventory -namelist_reference,
#   each on its own (no log line, no file read), every key of the program's tables documented.
. "$(dirname "$0")/../lib.sh"
out=$(scratch reference)
for spec in "bogda namelist.md 100" "bogda-grid grid.md 40" "bogda-inventory inventory.md 15"; do
  set -- $spec; prog=$1 doc=$2 least=$3
  (cd "$out" && "$BIN/$prog" -namelist_reference > "$out/$doc" 2>"$out/$doc.err")
  ok $? "$prog -namelist_reference runs (from an empty folder, with no namelist)"
  diff -u "$ROOT/docs/$doc" "$out/$doc" > "$out/$doc.diff"
  ok $? "docs/$doc matches the code (run make docs after changing a parameter table)"
  n=$(grep -c '^| `' "$out/$doc"); [ "$n" -ge "$least" ]; ok $? "$n keys documented in docs/$doc"
  [ ! -s "$out/$doc.err" ] && head -n 1 "$out/$doc" | grep -q '^# '; ok $? "$prog prints the document alone"
done
# Every key -help lists is in the reference: the two come from the same tables.
for spec in "bogda-grid grid.md" "bogda-inventory inventory.md"; do
  set -- $spec
  keys=$("$BIN/$1" -help | grep -oE '^  -[a-z_<>0-9]+' | sed 's/^  //' | grep -vE '^-(help|version|bogda_trace|namelist|out|domain|inventory|namelist_reference)$' | sort -u)
  [ "$1" = bogda-inventory ] && keys=$(echo "$keys" | grep '^-inventory_')
  missing=$(for k in $keys; do grep -qF "\`$k\`" "$out/$2" || echo "$k"; done)
  [ -z "$missing" ] && [ -n "$keys" ]; ok $? "every key of $1 -help is in docs/$2 ($(echo "$keys" | wc -w) keys${missing:+; missing: $missing})"
done
done_testing
