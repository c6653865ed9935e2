#!/usr/bin/env bash
# Title: the report's time conventions: Beijing time, whole Beijing days, GB 3095-2012 daily limits
# Description: postproc/report.py's functions on made-up hourly means against hand-computed
#   values (tests/regression/report_time.py).
. "$(dirname "$0")/../lib.sh"
"$PY" "$ROOT/tests/regression/report_time.py"
