#!/usr/bin/env bash
# trace_test.sh — one run of one example of traces/ (ctest, label traces):
# the block "run TRACE [ARGS...]" of traces/<dir>/expected says how to run
# build/bin/tl_<dir> and what it must do:
#
#   run TRACE [ARGS...]   the run: its arguments, and the trace it records
#   env NAME=VALUE        in its environment
#   exit N                its exit status (default 0)
#   stderr TEXT           text its stderr must hold (the rest of the line)
#   stdout TEXT           text its stdout must hold
#   KIND COUNT [WORD...]  the findings `threadlens report --json` must list
#                         (expect_findings.c); kinds not named must be empty
#
# The test runs the program fresh and checks all of that and that tracecheck
# accepts the trace; then it checks the same of the recorded trace in the
# source tree (traces/<dir>/TRACE), which must be at most 1 MB, and that the
# viewer renders it. With --record, a fresh trace that passes replaces the
# recorded one (traces/record.sh).
#
# usage: trace_test.sh [--record] SRCDIR TRACE PROG THREADLENS TRACECHECK EXPECT_FINDINGS WORKDIR
set -uo pipefail
record=0
if [[ ${1:-} == --record ]]; then
    record=1
    shift
fi
[[ $# == 7 ]] || {
    echo "usage: trace_test.sh [--record] SRCDIR TRACE PROG THREADLENS TRACECHECK EXPECT_FINDINGS WORKDIR" >&2
    exit 2
}
SRC=$1 TRACE=$2 PROG=$3 TL=$4 TC=$5 EF=$6 W=$7
EXPECTED=$SRC/expected
MAX_BYTES=$((1024 * 1024))
rm -rf "$W" && mkdir -p "$W" || exit 2
unset "${!THREADLENS_@}" LD_PRELOAD
fail=0
bad() { echo "FAIL: $(basename "$SRC")/$TRACE: $*" >&2; fail=1; }

# ---- the run's block of expected ----------------------------------------------
[[ -r $EXPECTED ]] || { echo "trace_test.sh: no $EXPECTED" >&2; exit 2; }
ARGS=() ENVS=() ERR_HAS=() OUT_HAS=() WANT_RC=0 found=0 in=0
while read -r key rest || [[ -n $key ]]; do
    [[ -z $key || $key == \#* ]] && continue
    if [[ $key == run ]]; then
        read -r t a <<<"$rest"
        in=0
        if [[ $t == "$TRACE" ]]; then
            in=1 found=1
            read -r -a ARGS <<<"$a"
        fi
        continue
    fi
    ((in)) || continue
    [[ -n $rest || $key == exit ]] || { echo "trace_test.sh: $EXPECTED: '$key' needs a value" >&2; exit 2; }
    case $key in
        env) ENVS+=("$rest") ;;
        exit) WANT_RC=$rest ;;
        stderr) ERR_HAS+=("$rest") ;;
        stdout) OUT_HAS+=("$rest") ;;
    esac
done <"$EXPECTED"
((found)) || { echo "trace_test.sh: $EXPECTED has no 'run $TRACE'" >&2; exit 2; }

# findings FILE WHAT: report --json of FILE checked against the block.
findings() {
    local report=$W/report-$2.json
    if ! "$TL" report --json "$1" >"$report" 2>"$W/report.err"; then
        bad "$2 trace: threadlens report --json failed: $(head -c 500 "$W/report.err")"
        return
    fi
    echo "--- findings of the $2 trace ---"
    "$EF" "$EXPECTED" "$TRACE" "$report" || bad "$2 trace: the findings differ from expected (above)"
}

# ---- a fresh run ----------------------------------------------------------------
echo "--- (cd $W && ${ENVS[*]} THREADLENS_OUT=$TRACE $PROG ${ARGS[*]})"
(cd "$W" && env "${ENVS[@]}" THREADLENS_OUT="$W/$TRACE" timeout -k 5 60 "$PROG" "${ARGS[@]}") \
    </dev/null >"$W/out" 2>"$W/err"
rc=$?
echo "--- stdout ---"; cat "$W/out"
echo "--- stderr ---"; cat "$W/err"
echo "--------------"
[[ $rc == "$WANT_RC" ]] || bad "exit status $rc, want $WANT_RC"
for t in "${ERR_HAS[@]}"; do
    grep -qF -- "$t" "$W/err" || bad "stderr lacks '$t'"
done
for t in "${OUT_HAS[@]}"; do
    grep -qF -- "$t" "$W/out" || bad "stdout lacks '$t'"
done
if [[ -s $W/$TRACE ]]; then
    "$TC" "$W/$TRACE" || bad "tracecheck rejects the fresh trace"
    findings "$W/$TRACE" fresh
    size=$(stat -c %s "$W/$TRACE")
    ((size <= MAX_BYTES)) || bad "the fresh trace is $size bytes, more than 1 MB"
else
    bad "no trace at $W/$TRACE"
fi

if ((record)); then
    if ((fail)); then
        echo "trace_test.sh: $SRC/$TRACE not recorded: the run failed its checks" >&2
        exit 1
    fi
    cp "$W/$TRACE" "$SRC/$TRACE" || exit 1
    echo "recorded $SRC/$TRACE ($(stat -c %s "$SRC/$TRACE") bytes)"
fi

# ---- the recorded trace ---------------------------------------------------------
saved=$SRC/$TRACE
if [[ ! -s $saved ]]; then
    bad "no recorded trace $saved (traces/record.sh makes it)"
else
    size=$(stat -c %s "$saved")
    ((size <= MAX_BYTES)) || bad "$saved is $size bytes, more than 1 MB"
    "$TC" "$saved" || bad "tracecheck rejects $saved"
    findings "$saved" recorded
    if ! env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER "$TL" view "$saved" --screenshot "$W/recorded.png" \
        >"$W/view.out" 2>&1 || [[ ! -s $W/recorded.png ]]; then
        cat "$W/view.out"
        bad "threadlens view --screenshot failed on $saved"
    fi
fi
exit "$fail"
