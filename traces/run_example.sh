#!/usr/bin/env bash
# run_example.sh — one example of traces/ as a test (see CMakeLists.txt):
#   run_example.sh PROG TRACECHECK TRACE WANT_RC ARGS CHECKS
# ARGS: PROG's arguments, '|'-separated. CHECKS: '|'-separated, "+TEXT" for
# text stderr must hold, "-TEXT" for text it must not. Runs PROG with
# THREADLENS_OUT=TRACE, then checks its exit status, its stderr and that
# tracecheck accepts the trace.
set -uo pipefail
[[ $# == 6 ]] || { echo "usage: run_example.sh PROG TRACECHECK TRACE WANT_RC ARGS CHECKS" >&2; exit 2; }
prog=$1 tc=$2 trace=$3 want=$4
IFS='|' read -r -a args <<<"$5"
IFS='|' read -r -a checks <<<"$6"
err=$trace.err
unset "${!THREADLENS_@}" LD_PRELOAD
rm -f "$trace"
THREADLENS_OUT=$trace timeout -k 5 100 "$prog" "${args[@]}" 2>"$err"
rc=$?
cat "$err" >&2
fail=0
[[ $rc == "$want" ]] || { echo "FAIL: exit status $rc, want $want" >&2; fail=1; }
for c in "${checks[@]}"; do
    text=${c:1}
    if [[ $c == +* ]]; then
        grep -qF -- "$text" "$err" || { echo "FAIL: stderr lacks '$text'" >&2; fail=1; }
    else
        ! grep -qF -- "$text" "$err" || { echo "FAIL: stderr has '$text'" >&2; fail=1; }
    fi
done
"$tc" "$trace" || { echo "FAIL: tracecheck" >&2; fail=1; }
exit "$fail"
