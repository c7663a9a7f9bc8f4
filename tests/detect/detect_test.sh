#!/usr/bin/env bash
# detect_test.sh — the detectors' tests (ctest, labels runtime;detect): runs
# one program of progs/ (CASE picks program, arguments and environment)
# under `threadlens run` (api_abba: directly, through the tl_* API), then
# checks its exit status, the report on its stderr (banner, threads, locks,
# "@marker" source lines), the findings of `threadlens report --json` and
# the trace (tracecheck passes, the last event is threadlens_summary).
#
# usage: detect_test.sh CASE THREADLENS TRACECHECK PROGS_BIN PROGS_SRC WORKDIR
set -uo pipefail
[[ $# == 6 ]] || { echo "usage: detect_test.sh CASE THREADLENS TRACECHECK PROGS_BIN PROGS_SRC WORKDIR" >&2; exit 2; }
CASE=$1 TL=$2 TC=$3 BIN=$4 SRC=$5 W=$6
rm -rf "$W" && mkdir -p "$W" || exit 1
TRACE=$W/trace.json OUT=$W/out ERR=$W/err REPORT=$W/report.json
unset "${!THREADLENS_@}" LD_PRELOAD
# TSan has a lock order detector of its own; tl_abba's inversion is on purpose.
export TSAN_OPTIONS=${TSAN_OPTIONS:+$TSAN_OPTIONS:}detect_deadlocks=0
ulimit -c 0 # THREADLENS_ON_DEADLOCK=abort dumps core otherwise
fail=0
RC=
bad() { echo "FAIL: $CASE: $*" >&2; fail=1; }

show() {
    echo "--- stdout ---"; cat "$OUT"
    echo "--- stderr ---"; cat "$ERR"
    echo "--------------"
}

# run [NAME=VALUE...] -- PROG [ARGS...]: PROG (in PROGS_BIN) under threadlens
# run. The bound is for a hang the detector missed; alarm() in the programs
# usually comes first.
run() {
    local envs=()
    while [[ $1 != -- ]]; do envs+=("$1"); shift; done
    shift
    local prog=$BIN/$1
    shift
    env "${envs[@]}" timeout -k 5 45 "$TL" run -o "$TRACE" -- "$prog" "$@" >"$OUT" 2>"$ERR"
    RC=$?
    show
}

# run_api: tl_abba, which traces itself.
run_api() {
    env THREADLENS_OUT="$TRACE" timeout -k 5 45 "$BIN/tl_abba" >"$OUT" 2>"$ERR"
    RC=$?
    show
}

want_rc() {
    [[ $RC == "$1" ]] || bad "exit status $RC, want $1${2:+ ($2)}"
}

# ---- stderr --------------------------------------------------------------------
err_has() { grep -qF -- "$1" "$ERR" || bad "stderr lacks '$1'"; }
err_lacks() { ! grep -qF -- "$1" "$ERR" || bad "stderr has '$1'"; }
err_count() {
    local n
    n=$(grep -cF -- "$1" "$ERR")
    [[ $n == "$2" ]] || bad "stderr has '$1' $n times, want $2"
}

# The first report whose banner line contains TEXT: up to the closing ====.
para() {
    local start
    start=$(grep -nF -- "$1" "$ERR" | head -1 | cut -d: -f1)
    [[ -n $start ]] && tail -n +"$start" "$ERR" | sed '/^=====/q'
}
# para_has BANNER TEXT...: each TEXT in that report.
para_has() {
    local banner=$1 p
    shift
    p=$(para "$banner")
    for want in "$@"; do
        grep -qF -- "$want" <<<"$p" || bad "the '$banner' report lacks '$want'"
    done
}
# para_sites BANNER FILE MARKER...: the report names each marker's FILE:LINE.
para_sites() {
    local banner=$1 file=$2 p
    shift 2
    p=$(para "$banner")
    for m in "$@"; do
        local s
        s=$(site "$file" "$m") || continue
        site_in "$p" "$s" || bad "the '$banner' report lacks $s (@$m)"
    done
}

# site FILE MARKER: "FILE:LINE" of the line holding "@MARKER */".
site() {
    local lines
    lines=$(grep -n -- "@$2 \*/" "$SRC/$1" | cut -d: -f1)
    if [[ $(wc -w <<<"$lines") != 1 ]]; then
        bad "marker @$2 is not on exactly one line of $1"
        return 1
    fi
    echo "$1:$lines"
}
# site_in TEXT SITE: "f.c:12" is not found in "f.c:123".
site_in() { grep -qE -- "${2//./\\.}([^0-9]|\$)" <<<"$1"; }

# ---- report --json -------------------------------------------------------------
report() {
    "$TL" report --json "$TRACE" >"$REPORT" 2>"$W/report.err" ||
        bad "threadlens report --json failed: $(cat "$W/report.err")"
}
# The top-level key's array (the keys sit at two spaces of indent).
section() {
    sed -n "/^  \"$1\": \[/,/^  \"[a-z_]*\": /p" "$REPORT" | sed '1!{/^  "[a-z_]*": /d}'
}
json_empty() {
    for key in "$@"; do
        grep -q "^  \"$key\": \[\]" "$REPORT" || bad "report --json: \"$key\" is not empty: $(section "$key")"
    done
}
# Entries: each has one "ts_ns".
json_entries() {
    local n
    n=$(section "$1" | grep -c '"ts_ns":')
    [[ $n == "$2" ]] || bad "report --json: \"$1\" has $n entries, want $2"
}
json_has() {
    local key=$1
    shift
    for want in "$@"; do
        section "$key" | grep -qF -- "$want" || bad "report --json: \"$key\" lacks '$want'"
    done
}
# json_keys SECTION KEY N: "KEY": appears N times in the section.
json_keys() {
    local n
    n=$(section "$1" | grep -c "\"$2\":")
    [[ $n == "$3" ]] || bad "report --json: \"$1\" has \"$2\" $n times, want $3"
}
json_sites() {
    local key=$1 file=$2 s
    shift 2
    for m in "$@"; do
        s=$(site "$file" "$m") || continue
        site_in "$(section "$key")" "$s" || bad "report --json: \"$key\" lacks $s (@$m)"
    done
}
json_what() {
    section misuse | grep -qE "\"what\": *\"$1\"" || bad "report --json: no misuse with \"what\": \"$1\""
}

no_findings() {
    json_empty lock_order deadlocks hangs misuse
    err_lacks "WARNING: threadlens:"
    err_lacks "ERROR: threadlens:"
}

# ---- the trace -------------------------------------------------------------------
# tracecheck passes, the JSON is closed, the last event is the summary.
trace_complete() {
    local out
    out=$("$TC" "$TRACE" 2>&1)
    local rc=$?
    [[ $rc == 0 ]] || bad "tracecheck exit $rc: $out"
    grep -q "truncated no" <<<"$out" || bad "trace not closed: $out"
    local last
    last=$(grep '^{' "$TRACE" | tail -1)
    grep -q '"name":"threadlens_summary"' <<<"$last" || bad "last event is not threadlens_summary: ${last:0:200}"
}
# The runtime's exit line names the trace (programs that end by themselves).
summary_line() { grep -qF -- "-> $TRACE" "$ERR" || bad "no summary line naming $TRACE on stderr"; }

LOI="WARNING: threadlens: lock order inversion"
DL="ERROR: threadlens: deadlock"
HANG="ERROR: threadlens: hang"

# ---- the cases ---------------------------------------------------------------------

# Checks shared by abba_lucky and api_abba: one inversion naming both threads,
# both locks and the four lines, nothing else.
check_abba_inversion() {
    local file=$1
    want_rc 0
    err_count "$LOI" 1
    para_has "$LOI" lock_a lock_b thread_ab thread_ba "Cycle in lock order graph:" \
        "Possible unsafe scenario:" "*** DEADLOCK ***" "Hint:"
    para_sites "$LOI" "$file" ab-a ab-b ba-b ba-a
    err_lacks "ERROR: threadlens:"
    report
    json_entries lock_order 1
    json_keys lock_order holding 2
    json_has lock_order lock_a lock_b thread_ab thread_ba
    json_sites lock_order "$file" ab-a ab-b ba-b ba-a
    json_empty deadlocks hangs misuse
    trace_complete
}

case_abba_hang() {
    run -- abba_hang
    want_rc 86 "deadlock"
    err_count "$DL" 1
    para_has "$DL" lock_a lock_b thread_ab thread_ba "Cycle in wait-for graph:"
    para_sites "$DL" abba_hang.c ab-a ab-b ba-b ba-a
    err_has "$LOI"
    para_has "$LOI" lock_a lock_b
    report
    json_entries deadlocks 1
    json_keys deadlocks holds 2
    json_has deadlocks lock_a lock_b thread_ab thread_ba
    json_sites deadlocks abba_hang.c ab-a ab-b ba-b ba-a
    json_entries lock_order 1
    json_empty hangs misuse
    trace_complete
}

case_abba_lucky() {
    run -- abba_lucky
    check_abba_inversion abba_lucky.c
    grep -q "balance 0" "$OUT" || bad "stdout: $(cat "$OUT")"
    summary_line
}

case_abba_lucky_detect_off() {
    run THREADLENS_DETECT=0 -- abba_lucky
    want_rc 0
    report
    no_findings
    trace_complete
    summary_line
}

case_api_abba() {
    run_api
    check_abba_inversion tl_abba.c
    grep -q "done" "$OUT" || bad "stdout: $(cat "$OUT")"
}

case_three_locks() {
    run -- three_locks
    want_rc 0
    err_count "$LOI" 1
    para_has "$LOI" lock_a lock_b lock_c take_ab take_bc take_ca
    local cycle
    cycle=$(para "$LOI" | grep -F "Cycle in lock order graph:")
    for l in lock_a lock_b lock_c; do
        grep -qF "$l" <<<"$cycle" || bad "cycle line lacks $l: $cycle"
    done
    err_lacks "ERROR: threadlens:"
    report
    json_entries lock_order 1
    json_keys lock_order holding 3
    json_empty deadlocks hangs misuse
    trace_complete
    summary_line
}

case_philosophers() {
    run -- philosophers
    want_rc 86 "deadlock"
    err_count "$DL" 1
    para_has "$DL" philosopher "Cycle in wait-for graph:"
    para_sites "$DL" philosophers.c left right
    report
    json_entries deadlocks 1
    json_keys deadlocks holds 5
    json_keys deadlocks waits_for 5
    json_empty hangs misuse
    trace_complete
}

case_self_relock() {
    run -- self_relock
    want_rc 86 "deadlock"
    err_count "$DL" 1
    para_has "$DL" self_lock main
    para_sites "$DL" self_relock.c first relock
    report
    json_entries deadlocks 1
    json_keys deadlocks holds 1
    json_has deadlocks self_lock
    json_empty hangs misuse
    trace_complete
}

case_self_relock_abort() {
    run THREADLENS_ON_DEADLOCK=abort -- self_relock
    want_rc 134 "SIGABRT"
    err_count "$DL" 1
    report
    json_entries deadlocks 1
    trace_complete
}

case_lost_wakeup() {
    run THREADLENS_HANG_MS=500 -- lost_wakeup
    want_rc 86 "hang"
    err_count "$HANG" 1
    para_has "$HANG" waiter wake_cond "Lost wakeup"
    para_sites "$HANG" lost_wakeup.c wait join signal
    para_has "$HANG" signaller
    para "$HANG" | grep -F "Lost wakeup" | grep -qF wake_cond ||
        bad "the Lost wakeup line does not name wake_cond"
    err_lacks "$DL"
    report
    json_entries hangs 1
    json_keys hangs lost_wakeup 1
    json_has hangs wake_cond waiter
    json_empty deadlocks lock_order misuse
    trace_complete
}

case_hang_sem() {
    run THREADLENS_HANG_MS=500 -- hang_sem sem
    want_rc 86 "hang"
    err_count "$HANG" 1
    para_has "$HANG" sem_waiter never_posted main
    para_sites "$HANG" hang_sem.c sem-wait
    err_lacks "Lost wakeup"
    report
    json_entries hangs 1
    json_keys hangs state 3
    json_keys hangs lost_wakeup 0
    json_empty deadlocks lock_order misuse
    trace_complete
}

case_hang_sleep() {
    run THREADLENS_HANG_MS=500 -- hang_sem sleep
    want_rc 0
    grep -q slept "$OUT" || bad "stdout: $(cat "$OUT")"
    report
    no_findings
    trace_complete
    summary_line
}

# Programs that must end fine with nothing found.
clean_case() {
    run -- "$1"
    want_rc 0
    report
    no_findings
    trace_complete
    summary_line
}
case_hand_over_hand() { clean_case hand_over_hand; }
case_trylock_backoff() { clean_case trylock_backoff; }
case_recursive() { clean_case recursive; }
case_rwlock_readers() { clean_case rwlock_readers; }

# misuse MODE WHAT [OBJECT [MARKER]]: misuse.c MODE makes one misuse, reported
# once as WHAT on stderr (naming OBJECT) and in report --json (with OBJECT's
# name and the marker's line as its site).
misuse() {
    local mode=$1 what=$2 object=${3:-} marker=${4:-}
    run -- misuse "$mode"
    want_rc 0
    err_count "WARNING: threadlens: $what" 1
    [[ -n $object ]] && para_has "WARNING: threadlens: $what" "$object"
    err_lacks "ERROR: threadlens:"
    report
    json_entries misuse 1
    json_what "$what"
    [[ -n $object ]] && json_has misuse "\"$object\""
    [[ -n $marker ]] && json_sites misuse misuse.c "$marker"
    json_empty lock_order deadlocks hangs
    trace_complete
    summary_line
}
case_misuse_unlock_not_held() {
    # unlocked twice, reported once
    misuse unlock_not_held "unlock of a mutex not held" free_lock unlock-not-held
}
case_misuse_unlock_other() {
    misuse unlock_other "unlock of a mutex held by another thread" shared_lock unlock-other
    para_has "unlock of a mutex held by another thread" locker
    # main released it: locker ends holding nothing
    err_lacks "thread ended while holding a lock"
}
case_misuse_spin_unlock() { misuse spin_unlock "unlock of a spinlock not held" spin; }
# An errorcheck mutex refuses the unlock (EPERM): that is the unlock misuse,
# reported once, not a second "pthread_mutex_unlock returned EPERM" finding.
case_misuse_errorcheck_unlock() {
    misuse errorcheck_unlock "unlock of a mutex not held" check_lock eperm
    grep -q "errorcheck unlock: Operation not permitted" "$OUT" || bad "stdout: $(cat "$OUT")"
}
# The generic "<function> returned <ERRNAME>" finding.
case_misuse_error_return() {
    misuse error_return "pthread_detach returned EINVAL" "" detach-again
    grep -q "detach again: Invalid argument" "$OUT" || bad "stdout: $(cat "$OUT")"
}
case_misuse_errorcheck_relock() {
    misuse errorcheck_relock "relock of a non-recursive mutex" relock_lock relock
    grep -q "relock: Resource deadlock avoided" "$OUT" || bad "stdout: $(cat "$OUT")"
}
case_misuse_destroy_locked() { misuse destroy_locked "destroy of a locked mutex" doomed_lock destroy-locked; }
case_misuse_destroy_locked_rwlock() { misuse destroy_locked_rwlock "destroy of a locked rwlock" doomed_rwlock; }
case_misuse_reinit() { misuse reinit "re-initialization of a mutex in use" reinit_lock reinit; }
case_misuse_destroy_cond() {
    misuse destroy_cond "destroy of a condition variable with waiters" doomed_cond destroy-cond
}
case_misuse_destroy_sem() { misuse destroy_sem "destroy of a semaphore with waiters" doomed_sem; }
case_misuse_destroy_barrier() {
    misuse destroy_barrier "destroy of a barrier with waiters" doomed_barrier
    grep -q "leaving with the barrier" "$OUT" || bad "stdout: $(cat "$OUT")"
}
case_misuse_cond_unheld() {
    misuse cond_unheld "wait on a condition variable without holding its mutex" unheld_cond cond-unheld
    grep -q "wait unheld: Operation not permitted" "$OUT" || bad "stdout: $(cat "$OUT")"
}
case_misuse_cond_two_mutexes() {
    misuse cond_two_mutexes "condition variable used with two mutexes" shared_cond
}
case_misuse_join_detached() {
    misuse join_detached "join of a detached thread" "" join-detached
    grep -q "join detached: Invalid argument" "$OUT" || bad "stdout: $(cat "$OUT")"
}
case_misuse_join_self() {
    misuse join_self "join of the calling thread"
    grep -q "join self: Resource deadlock avoided" "$OUT" || bad "stdout: $(cat "$OUT")"
}
case_misuse_ends_holding() {
    misuse ends_holding "thread ended while holding a lock" leaked_lock
    para_has "thread ended while holding a lock" leaked_lock holder
}

if ! declare -F "case_$CASE" >/dev/null; then
    echo "unknown case $CASE" >&2
    exit 2
fi
"case_$CASE"
if [[ $fail == 0 ]]; then
    echo "$CASE: ok"
    rm -rf "$W"
else
    echo "$CASE: FAIL (kept $W)"
fi
exit "$fail"
