#!/usr/bin/env bash
# run_case.sh — one semantics case of tests/pool (see CMakeLists.txt):
#   run_case.sh PROG CASE TRACE [TRACECHECK]
# Runs PROG CASE traced to TRACE; the case's own checks decide its status.
# Then the trace, written under the case's load (100 000 tasks, 80 000
# items), must pass TRACECHECK. A passing case's trace is deleted: some are
# over 100 MB. A failing one's stays for a look.
set -uo pipefail
[[ $# == 3 || $# == 4 ]] || { echo "usage: run_case.sh PROG CASE TRACE [TRACECHECK]" >&2; exit 2; }
prog=$1 case=$2 trace=$3 tc=${4:-}
unset "${!THREADLENS_@}" LD_PRELOAD
rm -f "$trace"
THREADLENS_OUT=$trace "$prog" "$case"
rc=$?
((rc == 0)) || exit "$rc"
if [[ -n $tc ]]; then
    "$tc" "$trace" || { echo "FAIL: $case: tracecheck rejects $trace" >&2; exit 1; }
fi
rm -f "$trace"
