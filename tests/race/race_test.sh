#!/usr/bin/env bash
# race_test.sh — the data race tests (ctest, labels runtime;race): builds
# one program of progs/ with `threadlens cc -g -O1` (CASE picks program,
# arguments and environment), runs it with THREADLENS_OUT set, then checks
# its exit status, the race reports on its stderr (banner count, "@marker"
# source lines, sizes, notes), the races of `threadlens report --json` and
# the trace (tracecheck passes, the race's instant, slices and arrow).
# Race-free programs must report nothing at all. The cc_* cases test the
# `threadlens cc` command itself with fake compilers (fake_cc.sh).
#
# usage: race_test.sh CASE THREADLENS TRACECHECK COMPILER PROGS_SRC WORKDIR [CLANG]
set -uo pipefail
[[ $# == 6 || $# == 7 ]] || {
    echo "usage: race_test.sh CASE THREADLENS TRACECHECK COMPILER PROGS_SRC WORKDIR [CLANG]" >&2
    exit 2
}
CASE=$1 TL=$2 TC=$3 COMPILER=$4 SRC=$5 W=$6 CLANG=${7:-}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rm -rf "$W" && mkdir -p "$W" || exit 1
TRACE=$W/trace.json OUT=$W/out ERR=$W/err REPORT=$W/report.json
unset "${!THREADLENS_@}" LD_PRELOAD CC
fail=0
RC=
bad() { echo "FAIL: $CASE: $*" >&2; fail=1; }

show() {
    echo "--- stdout ---"; cat "$OUT"
    echo "--- stderr ---"; cat "$ERR"
    echo "--------------"
}

# build PROG [CC ARGS...]: progs/PROG.c -> $W/PROG with threadlens cc -g -O1
# and the project's warnings (the compiler is COMPILER unless THREADLENS_CC
# is set). A failed build
# ends the case. counter.c is built with -O0, as a course builds it: at -O1
# its loop becomes one addition, on the line of the `for`.
build() {
    local prog=$1
    shift
    local cc=${THREADLENS_CC:-$COMPILER}
    if ! THREADLENS_CC=$cc "$TL" cc -g -O1 -Wall -Wextra -Werror "$@" -o "$W/$prog" "$SRC/$prog.c" \
        >"$W/cc.out" 2>&1; then
        cat "$W/cc.out"
        bad "threadlens cc -g -O1 -Wall -Wextra -Werror $* -o $prog $prog.c failed (THREADLENS_CC=$cc)"
        finish
    fi
}

# run [NAME=VALUE...] -- PROG [ARGS...]: $W/PROG with the trace in $TRACE.
run() {
    local envs=()
    while [[ $1 != -- ]]; do envs+=("$1"); shift; done
    shift
    local prog=$W/$1
    shift
    env THREADLENS_OUT="$TRACE" "${envs[@]}" timeout -k 5 45 "$prog" "$@" >"$OUT" 2>"$ERR"
    RC=$?
    show
}

want_rc() { [[ $RC == "$1" ]] || bad "exit status $RC, want $1${2:+ ($2)}"; }
out_has() { grep -qF -- "$1" "$OUT" || bad "stdout lacks '$1'"; }

# ---- stderr --------------------------------------------------------------------
RACE="WARNING: threadlens: data race"
err_has() { grep -qF -- "$1" "$ERR" || bad "stderr lacks '$1'"; }
err_lacks() { ! grep -qF -- "$1" "$ERR" || bad "stderr has '$1'"; }
err_count() {
    local n
    n=$(grep -cF -- "$1" "$ERR")
    [[ $n == "$2" ]] || bad "stderr has '$1' $n times, want $2"
}
err_at_least() {
    local n
    n=$(grep -cF -- "$1" "$ERR")
    ((n >= $2)) || bad "stderr has '$1' $n times, want at least $2"
}
# Every race report block: from its banner to the closing ====.
reports() { sed -n "/^$RACE/,/^=====/p" "$ERR"; }
# rep_has GREP-ARGS...: a report matches. (grep -q on a here-string: in a
# pipeline, its early exit could fail the writer under pipefail.)
rep_has() { grep -q "$@" <<<"$(reports)"; }

# site FILE MARKER: the absolute "FILE:LINE" of the line holding "@MARKER */".
site() {
    local lines
    lines=$(grep -n -- "@$2 \*/" "$SRC/$1" | cut -d: -f1)
    if [[ $(wc -w <<<"$lines") != 1 ]]; then
        bad "marker @$2 is not on exactly one line of $1"
        return 1
    fi
    echo "$SRC/$1:$lines"
}
# site_in TEXT SITE: "f.c:12" is not found in "f.c:123".
site_in() { grep -qE -- "${2//./\\.}([^0-9]|\$)" <<<"$1"; }
# report_sites FILE MARKER...: the race reports name each marker's line as an
# access (a "#0" frame).
report_sites() {
    local file=$1 s
    shift
    for m in "$@"; do
        s=$(site "$file" "$m") || continue
        site_in "$(reports | grep -F '#0 ')" "$s" || bad "no race report has $s (@$m) as an access"
    done
}

# ---- report --json -------------------------------------------------------------
report() {
    "$TL" report --json "$TRACE" >"$REPORT" 2>"$W/report.err" ||
        bad "threadlens report --json failed: $(cat "$W/report.err")"
}
# The top-level key's array (the keys sit at two spaces of indent).
section() {
    sed -n "/^  \"$1\": \[/,/^  \"[a-z_]*\": /p" "$REPORT" | sed '1!{/^  "[a-z_]*": /d}'
}
# sec_has KEY GREP-ARGS...: the top-level key's array matches.
sec_has() {
    local key=$1
    shift
    grep -q "$@" <<<"$(section "$key")"
}
json_empty() {
    for key in "$@"; do
        grep -q "^  \"$key\": \[\]" "$REPORT" || bad "report --json: \"$key\" is not empty: $(section "$key")"
    done
}
# An entry's own keys sit at six spaces (its args repeat them deeper).
json_races() {
    local n
    n=$(section races | grep -c '^      "message": ')
    [[ $n == "$1" ]] || bad "report --json: \"races\" has $n entries, want $1"
}
json_races_at_least() {
    local n
    n=$(section races | grep -c '^      "message": ')
    ((n >= $1)) || bad "report --json: \"races\" has $n entries, want at least $1"
}
json_race_has() {
    for want in "$@"; do
        sec_has races -F -- "$want" || bad "report --json: \"races\" lacks '$want'"
    done
}
json_sites() {
    local file=$1 s
    shift
    for m in "$@"; do
        s=$(site "$file" "$m") || continue
        site_in "$(section races)" "$s" || bad "report --json: \"races\" lacks $s (@$m)"
    done
}

# ---- the trace -------------------------------------------------------------------
# tracecheck passes, the JSON is closed, the last event is the summary.
trace_complete() {
    local trace=$TRACE out rc last
    out=$("$TC" "$trace" 2>&1)
    rc=$?
    [[ $rc == 0 ]] || bad "tracecheck exit $rc: $out"
    grep -q "truncated no" <<<"$out" || bad "trace not closed: $out"
    last=$(grep '^{' "$trace" | tail -1)
    grep -q '"name":"threadlens_summary"' <<<"$last" || bad "last event is not threadlens_summary: ${last:0:200}"
}
# trace_races N: N races (distinct ids of "data race" instants: a
# race seen again is written again at the end with its new count); each has
# its two zero-length slices, joined by one flow (flow_out on the first,
# flow_in on the second).
trace_races() {
    local trace=$TRACE n slices outs ins
    n=$(sed -n '/"name":"data race"/s/.*"args":{[^}]*"id":\([0-9]*\).*/\1/p' "$trace" | sort -u | wc -l)
    [[ $n == "$1" ]] || bad "trace has $n distinct \"data race\" instants, want $1"
    slices=$(grep -c '"name":"race: \(read\|write\) of ' "$trace")
    ((slices >= 2 * $1)) || bad "trace has $slices 'race: ...' slices, want at least $((2 * $1))"
    outs=$(grep '"name":"race: ' "$trace" | grep -c '"flow_out":true')
    ins=$(grep '"name":"race: ' "$trace" | grep -c '"flow_in":true')
    ((outs >= $1 && ins >= $1)) || bad "trace has $outs flow_out / $ins flow_in race slices, want $1 each"
}
summary_line() {
    local trace=${1:-$TRACE}
    grep -qF -- "-> $trace" "$ERR" || bad "no summary line naming $trace on stderr"
}

# Nothing found, anywhere.
clean() {
    want_rc 0
    err_lacks "WARNING: threadlens:"
    err_lacks "ERROR: threadlens:"
    report
    json_empty races lock_order deadlocks hangs misuse
    grep -q '"cat":"finding"' "$TRACE" && bad "the trace has finding events"
    trace_complete
    summary_line
}

# racy N FILE MARKER...: exactly N races (N+ for "N+"), each access line
# named on stderr, in the report and in the trace.
racy() {
    local n=$1 file=$2
    shift 2
    want_rc 0
    if [[ $n == *+ ]]; then
        n=${n%+}
        err_at_least "$RACE" "$n"
        report
        json_races_at_least "$n"
        n=$(grep -cF -- "$RACE" "$ERR")
    else
        err_count "$RACE" "$n"
        report
        json_races "$n"
    fi
    err_lacks "ERROR: threadlens:"
    report_sites "$file" "$@"
    json_sites "$file" "$@"
    json_empty lock_order deadlocks hangs misuse
    trace_complete
    trace_races "$n"
    summary_line
}

# ---- the cases ---------------------------------------------------------------------

# The seeds' FakeDatabase: copy, sleep, write back, in two threads.
case_lost_update() {
    build lost_update
    run -- lost_update
    out_has "value 1"
    racy 1+ lost_update.c read write
    rep_has -F "Location is global 'db'" || bad "no report names the variable 'db'"
    # the writer's own earlier read, the lost update's first half: in the
    # finding's args, as a marker of its own (no arrow) and on stderr
    grep -q '"second":{[^}]*"prior":{"op":"read","ts":[0-9.]*,"at":"[^"]*lost_update\.c:23 ' "$TRACE" ||
        bad "no race's second access has its own prior read at lost_update.c:23"
    grep '"name":"race: read of db"' "$TRACE" | grep '"prior":true' | grep -qv '"bind_id"' ||
        bad "no prior-read marker (without an arrow) in the trace"
    err_has "had read it itself before, at "
    "$TL" report "$TRACE" | grep -q "after its own read at .*lost_update\.c:23" ||
        bad "threadlens report does not show the prior read"
}
case_lost_update_locked() {
    build lost_update
    run -- lost_update locked
    out_has "value 2"
    clean
}

# "Done when": a new user's one-step build, run as ./counter from its own
# directory (the trace lands there as threadlens-<pid>.json); the locked
# version reports nothing.
case_counter() {
    cp "$SRC/counter.c" "$W/counter.c"
    (cd "$W" && "$TL" cc -g -o counter counter.c) >"$W/cc.out" 2>&1 ||
        { cat "$W/cc.out"; bad "threadlens cc -g -o counter counter.c failed"; finish; }
    [[ -s $W/cc.out ]] && bad "threadlens cc printed: $(cat "$W/cc.out")"
    (
        cd "$W" || exit 99
        ./counter >"$OUT" 2>"$ERR" &
        pid=$!
        wait "$pid"
        rc=$?
        echo "$pid" >"$W/pid"
        exit "$rc"
    )
    RC=$?
    show
    TRACE=$W/threadlens-$(cat "$W/pid").json
    [[ -f $TRACE ]] || { bad "./counter wrote no $TRACE: $(ls "$W")"; finish; }
    want_rc 0
    err_at_least "$RACE" 1
    local s
    s=$(site counter.c inc) || finish
    s=${s/#$SRC/$W}
    # both accesses, and both on the increment's line
    local frames
    frames=$(reports | sed -n '/^  [A-Z][a-z ]* of size [0-9]* at /{n;p}')
    [[ $(grep -cE -- "#0 ${s//./\\.}([^0-9]|\$)" <<<"$frames") -ge 2 ]] ||
        bad "the report does not show both accesses at $s: $frames"
    rep_has -F "Location is global 'counter'" || bad "the report does not name 'counter'"
    rep_has -E "^  (Read|Write) of size 4 at 0x[0-9a-f]+ by thread worker \(T[0-9]+\):" ||
        bad "no 'Read/Write of size 4 ... by thread worker (Tn):' line"
    rep_has -E "^  Previous (read|write) of size 4 at 0x[0-9a-f]+ by thread worker \(T[0-9]+\):" ||
        bad "no 'Previous read/write of size 4 ... by thread worker (Tn):' line"
    rep_has -F "SUMMARY: threadlens: data race $s" || bad "no SUMMARY line naming $s"
    report
    json_races_at_least 1
    json_race_has '"variable": "counter"' '"op": "write"'
    site_in "$(section races)" "$s" || bad "report --json: \"races\" lacks $s"
    trace_complete
    trace_races "$(grep -cF -- "$RACE" "$ERR")"
    grep -q '"cat":"function".*"name":"worker"\|"name":"worker".*"cat":"function"' "$TRACE" ||
        bad "the trace has no function slice for worker"
    summary_line "${TRACE##*/}" # as THREADLENS_OUT's default names it: relative
}
case_counter_locked() {
    build counter_locked
    run -- counter_locked
    out_has "counter = 200000"
    clean
}

# Compiled and linked in separate steps, as a Makefile does.
case_separate_steps() {
    (cd "$W" && THREADLENS_CC=$COMPILER "$TL" cc -g -c "$SRC/counter.c" -o counter.o &&
        THREADLENS_CC=$COMPILER "$TL" cc counter.o -o counter) ||
        { bad "threadlens cc -c + link failed"; finish; }
    run -- counter
    racy 1+ counter.c inc
}

case_handoff_plain() {
    build handoff
    run -- handoff plain
    out_has "data 42"
    racy 2+ handoff.c data-write data-read flag-write flag-read
}
case_handoff_relaxed() {
    build handoff
    run -- handoff relaxed
    out_has "data 42"
    racy 1 handoff.c data-write data-read
    rep_has -F "Location is global 'data'" || bad "the report does not name 'data'"
}
case_handoff_acqrel() {
    build handoff
    run -- handoff acqrel
    out_has "data 42"
    clean
}

case_barrier() {
    build barrier
    run -- barrier
    out_has "slots 2 1"
    clean
}
case_barrier_phase_race() {
    build barrier
    run -- barrier phase_race
    out_has "slots"
    racy 1 barrier.c phase-write phase-read
    rep_has -F "Location is global 'shared'" || bad "the report does not name 'shared'"
}

case_sem_handoff() {
    build sem_handoff
    run -- sem_handoff
    out_has "sum 20400"
    clean
}

# Issue 7's tools are hand-offs too: queue, pool, event order everything.
case_hl_handoff() {
    build hl_handoff # threadlens cc finds threadlens.h itself
    run -- hl_handoff
    out_has "sum 9800 after 17 got 42"
    clean
}
case_hl_tasks_race() {
    build hl_handoff -I"$HERE/../../runtime/include"
    run -- hl_handoff tasks_race
    out_has "counter set"
    racy 1 hl_handoff.c task-add task-add
}

case_rwlock_write_under_read() {
    build rwlock
    run -- rwlock write_under_read
    racy 1 rwlock.c update lookup
    # both threads held the lock, for reading
    [[ $(reports | grep -c "^  Locks held by T[0-9]*: .*table_lock") == 2 ]] ||
        bad "the report does not show table_lock held by both threads"
}
case_rwlock_correct() {
    build rwlock
    run -- rwlock correct
    clean
}

case_condvar() {
    build condvar
    run -- condvar
    out_has "sum 20100"
    clean
}

case_tls() {
    build tls
    run -- tls
    clean
}

case_stack_reuse() {
    build stack_reuse
    run -- stack_reuse
    out_has "same stack: yes"
    clean
}

case_create_join() {
    build create_join
    run -- create_join
    out_has "result 120"
    clean
}

case_bytes_split() {
    build bytes
    run -- bytes
    out_has "buf aaaaabbbbb"
    clean
}
case_bytes_overlap() {
    build bytes
    run -- bytes overlap
    racy 1 bytes.c a3 b3
    rep_has -E "^  (Write|Previous write) of size 1 at " || bad "no access of size 1 in the report"
    rep_has -F "Location is global 'buf[3]'" ||
        rep_has -F "Location is global 'buf'" || bad "the report does not name 'buf'"
    sec_has races -e '^      "size": 1,' || bad "report --json: the race's size is not 1"
}

case_sleep_flag() {
    build sleep_flag
    run -- sleep_flag
    out_has "config 42"
    racy 2 sleep_flag.c config-write config-read ready-write ready-read
    err_at_least "Note: only a sleep" 1
    local s
    s=$(site sleep_flag.c sleep) && ! site_in "$(grep -A1 -F "Note: only a sleep" "$ERR")" "$s" &&
        bad "the sleep note does not name $s"
    sec_has races -F '"sleep": {' || bad "report --json: no race has \"sleep\""
}

case_memcpy_race() {
    build memcpy_race
    run -- memcpy_race
    racy 1 memcpy_race.c memcpy read
}

case_malloc_reuse() {
    build malloc_reuse
    # One arena, no per-thread caches: B's mallocs get A's blocks back.
    run GLIBC_TUNABLES=glibc.malloc.tcache_count=0:glibc.malloc.arena_max=1 -- malloc_reuse
    out_has "reused blocks: yes"
    clean
}

# THREADLENS_RACES=0: the instrumented program runs and is traced, no check.
case_races_off() {
    build counter -O0
    run THREADLENS_RACES=0 -- counter
    clean
}
# THREADLENS_FUNCS=0: the race is found and reported with its call stack,
# and the trace has no function slices.
case_funcs_off() {
    build counter -O0
    run THREADLENS_FUNCS=0 -- counter
    racy 1+ counter.c inc
    ! grep -q '"cat":"function"' "$TRACE" || bad "the trace has function slices"
}

# clang builds and detects the counter race (when clang is installed).
case_clang_counter() {
    [[ -n $CLANG ]] || { echo "clang not found: skipped"; exit 77; }
    THREADLENS_CC=$CLANG build counter -O0
    run -- counter
    racy 1+ counter.c inc
    THREADLENS_CC=$CLANG build counter_locked
    run -- counter_locked
    clean
}

# ---- threadlens cc itself ----------------------------------------------------------

case_cc_help() {
    "$TL" cc --help >"$OUT" 2>"$ERR"
    RC=$?
    want_rc 0
    out_has "usage: threadlens cc"
    out_has "THREADLENS_CC"
    out_has "-fsanitize=thread"
    [[ -s $ERR ]] && bad "stderr: $(cat "$ERR")"
    "$TL" --help >"$OUT" 2>&1
    out_has "cc [COMPILER ARGS]"
}

# cc_run [NAME=VALUE...] -- ARGS...: threadlens cc ARGS in $W.
cc_run() {
    local envs=()
    while [[ $1 != -- ]]; do envs+=("$1"); shift; done
    shift
    (cd "$W" && env "${envs[@]}" timeout -k 5 60 "$TL" cc "$@") >"$OUT" 2>"$ERR"
    RC=$?
}
err_is() {
    [[ $(cat "$ERR") == "$1" ]] || bad "stderr is '$(cat "$ERR")', want '$1'"
}

case_cc_errors() {
    printf 'int main(void) { return 0; }\n' >"$W/m.c"
    cc_run THREADLENS_CC=no-such-compiler-tl -- -c m.c
    want_rc 127 "missing compiler, compile"
    err_is "threadlens cc: cannot run no-such-compiler-tl: No such file or directory"
    cc_run THREADLENS_CC=no-such-compiler-tl -- -o m m.c
    want_rc 127 "missing compiler, build"
    err_is "threadlens cc: cannot run no-such-compiler-tl: No such file or directory"
    # $CC when THREADLENS_CC is unset
    cc_run CC=no-such-cc-either -- -o m m.c
    want_rc 127 "missing \$CC"
    err_is "threadlens cc: cannot run no-such-cc-either: No such file or directory"
    # a compiler without the flag: one clean line, status 2, nothing left behind
    local fake="$HERE/fake_cc.sh"
    cc_run THREADLENS_CC="$fake" FAKE_CC_LOG="$W/log" FAKE_CC_NO_TSAN=1 -- -c m.c
    want_rc 2 "no -fsanitize=thread, compile"
    err_is "threadlens cc: $fake cannot compile with -fsanitize=thread (gcc >= 9 or clang >= 11 can)"
    cc_run THREADLENS_CC="$fake" FAKE_CC_LOG="$W/log" FAKE_CC_NO_TSAN=1 -- -g -o m m.c
    want_rc 2 "no -fsanitize=thread, build"
    err_is "threadlens cc: $fake cannot compile with -fsanitize=thread (gcc >= 9 or clang >= 11 can)"
    [[ -e $W/m ]] && bad "a program was linked"
    # -static cannot link a shared runtime
    cc_run THREADLENS_CC="$COMPILER" -- -static -o m m.c
    want_rc 2 "-static"
    err_has "threadlens cc: cannot link with -static"
    # the compiler's own errors and status pass through unchanged
    printf 'int main(void) { return undeclared; }\n' >"$W/bad.c"
    cc_run THREADLENS_CC="$COMPILER" -- -o bad bad.c
    [[ $RC != 0 && $RC != 2 && $RC != 127 ]] || bad "a compile error gave status $RC"
    err_has "bad.c:1:"
    err_has "undeclared"
    err_lacks "threadlens cc:"
    ls "$W"/bad >/dev/null 2>&1 && bad "bad was linked"
    # --version and the like go straight to the compiler
    cc_run THREADLENS_CC="$COMPILER" -- --version
    want_rc 0 "--version"
    [[ -s $OUT ]] || bad "--version printed nothing"
    # CC="threadlens cc" (as `CC="threadlens cc" make` exports it) is passed
    # over, not run again and again
    cc_run CC="$TL cc" -- --version
    want_rc 0 "CC naming threadlens itself"
    [[ -s $OUT ]] || bad "--version printed nothing with CC=\"$TL cc\""
}

# The commands threadlens cc runs, as a compiler that logs its arguments
# sees them (fake_cc.sh: one line per run, arguments between < and >).
log_line() { sed -n "$1p" "$W/log"; }
log_has() { grep -qF -- "$2" <<<"$(log_line "$1")" || bad "command $1 lacks '$2': $(log_line "$1")"; }
log_lacks() { ! grep -qF -- "$2" <<<"$(log_line "$1")" || bad "command $1 has '$2': $(log_line "$1")"; }
log_runs() {
    local n
    n=$(wc -l <"$W/log")
    [[ $n == "$1" ]] || bad "the compiler ran $n times, want $1: $(cat "$W/log")"
}

case_cc_args() {
    local fake="$HERE/fake_cc.sh" lib inc
    lib=$(cd "$(dirname "$TL")/../lib" && pwd -P)
    inc=$(cd "$(dirname "$TL")/../include" && pwd -P) # threadlens.h, for every compile
    touch "$W/a.c" "$W/b.c" "$W/z.o" "$W/y.txt"
    local e=(THREADLENS_CC="$fake" FAKE_CC_LOG="$W/log" TMPDIR="$W/tmp")
    mkdir "$W/tmp"

    # compile only: the flag first, the arguments as they were
    rm -f "$W/log"
    cc_run "${e[@]}" -- -O2 -g -c a.c -o a.o
    want_rc 0
    log_runs 2 # the probe, then the compile
    log_has 1 "<-fsanitize=thread> <-x> <c> <-c> <-o> </dev/null> </dev/null>"
    [[ $(log_line 2) == "<-fsanitize=thread> <-idirafter> <$inc> <-O2> <-g> <-c> <a.c> <-o> <a.o>" ]] ||
        bad "compile: $(log_line 2)"

    # link only: the arguments, then the runtime; no probe, no flag
    rm -f "$W/log"
    cc_run "${e[@]}" -- z.o -o prog -lm
    want_rc 0
    log_runs 1
    [[ $(log_line 1) == "<z.o> <-o> <prog> <-lm> <-L$lib> <-Xlinker> <-rpath> <-Xlinker> <$lib> <-Wl,--push-state,--no-as-needed> <-lthreadlens_preload> <-Wl,--pop-state> <-pthread>" ]] ||
        bad "link: $(log_line 1)"

    # from sources: each source to its own temporary object with the compile
    # options (no -o, no link-only ones), then one link of the objects in
    # place of the sources, without -x and without the flag
    rm -f "$W/log"
    cc_run "${e[@]}" -- -O1 -I inc -DX=1 -Wall a.c -L/opt/lib -Wl,-z,now z.o -x c y.txt \
        -x none b.c -lm -o prog -pthread -fsanitize=thread
    want_rc 0
    log_runs 5 # probe, a.c, y.txt, b.c, link
    local c
    for c in 2 3 4; do
        log_has "$c" "<-fsanitize=thread> <-idirafter> <$inc> <-O1> <-I> <inc> <-DX=1> <-Wall> "
        log_has "$c" "<-pthread> <-fsanitize=thread>"
        log_has "$c" "> <-c> <-o> <$W/tmp/threadlens-cc-"
        log_lacks "$c" "-L/opt/lib"
        log_lacks "$c" "-Wl,-z,now"
        log_lacks "$c" "<-lm>"
        log_lacks "$c" "<prog>"
        log_lacks "$c" "z.o"
    done
    log_has 2 "<a.c> <-c> <-o> "
    log_has 2 "/1-a.o>"
    log_has 3 "<-x> <c> <y.txt> <-c> <-o> "
    log_has 3 "/2-y.o>"
    log_has 4 "<b.c> <-c> <-o> "
    log_lacks 4 "<-x>"
    log_has 4 "/3-b.o>"
    local obj='[^>]*/threadlens-cc-[^/>]*'
    grep -qE -- "^<-O1> <-I> <inc> <-DX=1> <-Wall> <$obj/1-a\\.o> <-L/opt/lib> <-Wl,-z,now> <z\\.o> <$obj/2-y\\.o> <$obj/3-b\\.o> <-lm> <-o> <prog> <-pthread> <-L$lib> " \
        <<<"$(log_line 5)" || bad "link after compiling: $(log_line 5)"
    log_lacks 5 "-fsanitize"
    log_lacks 5 "<-x>"
    [[ -z $(ls -A "$W/tmp") ]] || bad "temporary files left: $(ls -A "$W/tmp")"

    # a failed compile: every source is still compiled, no link, its status
    rm -f "$W/log"
    cc_run "${e[@]}" FAKE_CC_FAIL=a.c -- a.c b.c -o prog
    want_rc 1 "a failed compile"
    log_runs 3 # probe, a.c, b.c: no link
    err_has "fake_cc: a.c: error"
    [[ -z $(ls -A "$W/tmp") ]] || bad "temporary files left after a failed compile: $(ls -A "$W/tmp")"

    # -r (a relocatable link) takes no runtime
    rm -f "$W/log"
    cc_run "${e[@]}" -- -r z.o -o all.o
    want_rc 0
    log_lacks 1 "threadlens_preload"

    # -E, -S, -M, -fsyntax-only stop before the link
    for opt in -E -S -M -MM -fsyntax-only; do
        rm -f "$W/log"
        cc_run "${e[@]}" -- "$opt" a.c
        want_rc 0
        log_runs 2
        log_has 2 "<-fsanitize=thread> <-idirafter> <$inc> <$opt> <a.c>"
    done
    # -MD still links
    rm -f "$W/log"
    cc_run "${e[@]}" -- -MD a.c -o prog
    log_runs 3

    # no input files: straight to the compiler, untouched
    rm -f "$W/log"
    cc_run "${e[@]}" -- -v
    log_runs 1
    [[ $(log_line 1) == "<-v>" ]] || bad "-v: $(log_line 1)"

    # "ccache gcc": the compiler's own words come first
    rm -f "$W/log"
    cc_run THREADLENS_CC="$fake --wrapped" FAKE_CC_LOG="$W/log" TMPDIR="$W/tmp" -- -c a.c
    log_has 2 "<--wrapped> <-fsanitize=thread> <-idirafter> <$inc> <-c> <a.c>"
    # $CC when THREADLENS_CC is unset; THREADLENS_CC wins over it
    rm -f "$W/log"
    cc_run CC="$fake --from-cc" FAKE_CC_LOG="$W/log" TMPDIR="$W/tmp" -- -c a.c
    log_has 2 "<--from-cc>"
    rm -f "$W/log"
    cc_run CC=no-such-cc THREADLENS_CC="$fake" FAKE_CC_LOG="$W/log" TMPDIR="$W/tmp" -- -c a.c
    want_rc 0 "THREADLENS_CC over CC"
}

# Ends the case: status 0 if every check passed.
finish() {
    if [[ $fail == 0 ]]; then
        echo "$CASE: ok"
        rm -rf "$W"
    else
        echo "$CASE: FAIL (kept $W)"
    fi
    exit "$fail"
}

if ! declare -F "case_$CASE" >/dev/null; then
    echo "unknown case $CASE" >&2
    exit 2
fi
"case_$CASE"
finish
