#!/usr/bin/env bash
# pool_trace_test.sh — what the trace and `threadlens report` show of pools,
# queues, events and timers (ctest, labels runtime;pool): runs one case of
# pool_prog with THREADLENS_OUT set, then checks its exit status, stderr,
# the trace (tracecheck, and grep on its one-event-per-line JSON) and the
# report. bash, grep and sed only.
#
# usage: pool_trace_test.sh CASE POOL_PROG THREADLENS TRACECHECK WORKDIR
set -uo pipefail
[[ $# == 5 ]] || { echo "usage: pool_trace_test.sh CASE POOL_PROG THREADLENS TRACECHECK WORKDIR" >&2; exit 2; }
CASE=$1 PROG=$2 TL=$3 TC=$4 W=$5
rm -rf "$W" && mkdir -p "$W" || exit 1
TRACE=$W/trace.json OUT=$W/out ERR=$W/err REPORT=$W/report.json TEXT=$W/report.txt
unset "${!THREADLENS_@}" LD_PRELOAD
fail=0
bad() { echo "FAIL: $CASE: $*" >&2; fail=1; }

env THREADLENS_OUT="$TRACE" timeout -k 5 100 "$PROG" "$CASE" >"$OUT" 2>"$ERR"
RC=$?
echo "--- stdout ---"; cat "$OUT"
echo "--- stderr ---"; cat "$ERR"
echo "--------------"
[[ $RC == 0 ]] || bad "exit status $RC, want 0"

err_has() { grep -qF -- "$1" "$ERR" || bad "stderr lacks '$1'"; }
err_lacks() { ! grep -qF -- "$1" "$ERR" || bad "stderr has '$1'"; }

# The trace passes the checker and was closed.
out=$("$TC" "$TRACE" 2>&1)
rc=$?
echo "$out"
[[ $rc == 0 ]] || bad "tracecheck exit $rc"
grep -q "truncated no" <<<"$out" || bad "trace not closed"

# ---- grep on the trace: one event per line --------------------------------------
# lines PATTERN...: the trace lines matching every (extended) PATTERN.
lines() {
    local l
    l=$(grep -E -- "$1" "$TRACE")
    shift
    for p in "$@"; do l=$(grep -E -- "$p" <<<"$l"); done
    [[ -n $l ]] && echo "$l"
}
has() {
    local what=$1
    shift
    [[ -n $(lines "$@") ]] || bad "trace has no $what (lines matching: $*)"
}
tid_of() { sed -n 's/.*"tid":\([0-9]*\).*/\1/p'; }
# ns_of US: a trace time in microseconds ("858.619", "0") as integer ns.
ns_of() {
    local frac=000
    [[ $1 == *.* ]] && frac=${1#*.}000
    echo $((10#${1%%.*} * 1000 + 10#${frac:0:3}))
}
# JSON string: the characters of a name as they appear inside quotes.
q() { printf '"%s"' "$1"; }

# The tids of the threads named "POOL worker N".
worker_tids() { lines '"name":"thread_name"' "\"args\":\\{\"name\":\"$1 worker [0-9]+\"\\}" | tid_of | sort -u; }

# task_slices POOL: every task slice of POOL is on one of its workers, and
# each LABEL... has a complete piece (queue_wait_us, pool, status).
task_slices() {
    local pool=$1 workers
    shift
    workers=$(worker_tids "$pool")
    [[ -n $workers ]] || { bad "no thread named '$pool worker N'"; return; }
    local slices
    slices=$(lines '"cat":"task"' '"ph":"[XB]"')
    [[ -n $slices ]] || { bad "no task slices"; return; }
    local t
    for t in $(tid_of <<<"$slices" | sort -u); do
        grep -qx "$t" <<<"$workers" || bad "a task slice is on tid $t, not on a worker of $pool ($(tr '\n' ' ' <<<"$workers"))"
    done
    local label
    for label in "$@"; do
        has "task slice '$label' with its args" '"cat":"task"' '"ph":"[XB]"' "\"name\":$(q "$label")" \
            '"queue_wait_us":[0-9]' "\"pool\":$(q "$pool")" '"pool_id":' '"task":[0-9]' \
            '"submitted_by":[0-9]' '"status":"(ok|failed)"'
    done
}

# flow_reaches SOURCE_NAME TARGET_PATTERN: the flow_out slice SOURCE_NAME's
# bind_id has a flow_in on a line matching TARGET_PATTERN.
flow_reaches() {
    local src id
    src=$(lines "\"name\":$(q "$1")" '"flow_out":true' | head -n 1)
    [[ -n $src ]] || { bad "no flow source '$1'"; return; }
    id=$(sed -n 's/.*"bind_id":\([0-9]*\).*/\1/p' <<<"$src")
    [[ -n $id ]] || { bad "flow source '$1' has no bind_id: $src"; return; }
    has "flow target of '$1'" "\"bind_id\":$id[,}]" '"flow_in":true' "$2"
}

report() {
    "$TL" report --json "$TRACE" >"$REPORT" 2>"$W/report.err" ||
        bad "threadlens report --json failed: $(cat "$W/report.err")"
    "$TL" report "$TRACE" >"$TEXT" 2>"$W/report.err" ||
        bad "threadlens report failed: $(cat "$W/report.err")"
}

# ---- the cases ------------------------------------------------------------------

case_trace() {
    err_lacks "unobserved"
    err_lacks "a call returned the wrong thing"
    local n
    n=$(worker_tids crew | wc -l)
    [[ $n == 3 ]] || bad "$n threads named 'crew worker N', want 3"
    task_slices crew "job 1" "job 2" "job 3" "job 4" "job 5" "job 6" brew "bad job"
    has "ok status on job 1" '"cat":"task"' '"name":"job 1"' '"status":"ok"'

    # The failure, looked at: on its slice, and an instant on the worker.
    has "failed status" '"cat":"task"' '"ph":"[XB]"' '"name":"bad job"' '"status":"failed"' \
        '"status_code":-1' '"error":"bad input 42"'
    has "'task failed' instant" '"ph":"i"' '"cat":"task"' '"name":"task failed: bad job"' '"error":"bad input 42"'
    [[ -z $(lines '"cat":"finding"' 'unobserved') ]] || bad "an unobserved-failure finding for a failure that was looked at"

    # Counters.
    has "crew queued counter" '"ph":"C"' '"name":"crew"' '"queued":[0-9]'
    has "crew busy counter" '"ph":"C"' '"name":"crew"' '"busy":[0-9]'
    has "jobs depth counter" '"ph":"C"' '"name":"jobs"' '"depth":[0-9]'
    has "ready set counter" '"ph":"C"' '"name":"ready"' '"set":[01]'
    # Never more than its capacity in the queue, never more busy than workers.
    local v
    for v in $(lines '"ph":"C"' '"name":"jobs"' | sed -n 's/.*"depth":\([0-9]*\).*/\1/p'); do
        ((v <= 2)) || bad "jobs depth $v > capacity 2"
    done
    for v in $(lines '"ph":"C"' '"name":"crew"' | sed -n 's/.*"busy":\([0-9]*\).*/\1/p'); do
        ((v <= 3)) || bad "crew busy $v > 3 workers"
    done

    # Flows: submit -> the task, the task's end -> the wait that got it,
    # put -> the get.
    local i
    for i in 1 2 3 4 5 6; do
        has "submit flow of job $i" '"cat":"flow"' "\"name\":\"submit job $i\"" '"flow_out":true'
        has "result flow of job $i" '"cat":"flow"' "\"name\":\"result of job $i\"" '"flow_out":true'
    done
    has "submit flow of brew" '"name":"submit brew"' '"flow_out":true'
    has "result flow of bad job" '"name":"result of bad job"' '"flow_out":true'
    flow_reaches "submit job 1" '"cat":"task".*"name":"job 1"'
    flow_reaches "submit bad job" '"cat":"task".*"name":"bad job"'
    n=$(lines '"cat":"flow"' '"name":"put jobs"' '"flow_out":true' | wc -l)
    [[ $n == 10 ]] || bad "$n 'put jobs' flows, want 10 (one per item)"

    # States and instants.
    has "idle worker state" '"cat":"state"' '"name":"idle in crew"'
    has "shutdown instant" '"ph":"i"' '"name":"shutdown crew"' '"cancel_pending":'
    has "close instant" '"ph":"i"' '"name":"close jobs"'
    has "timer slice" '"cat":"timer"' '"ph":"[XB]"' '"name":"alarm"'
    has "timer cancel instant" '"ph":"i"' '"name":"cancel snooze"' '"in_time":'
    has "timer thread" '"name":"thread_name"' '"name":"timer alarm"'
    # Waits that gave up say so; the ones that got through do not.
    has "timed-out wait for held" '"cat":"state"' '"name":"waiting for held"' '"outcome":"timed out"'
    has "timed-out wait for hold" '"cat":"state"' '"name":"waiting for hold"' '"outcome":"timed out"'
    has "wait for ready" '"cat":"state"' '"name":"waiting for ready"'
    [[ -z $(lines '"cat":"state"' '"name":"waiting for ready"' '"outcome"') ]] ||
        bad "the wait for ready, which got through, has an outcome"

    # The report: a pools section naming the pool and its tasks.
    report
    grep -q '^  "pools": ' "$REPORT" || bad "report --json has no \"pools\" key"
    grep -q '"crew"' "$REPORT" || bad "report --json does not name the pool crew"
    grep -q 'crew' "$TEXT" || bad "the report does not name the pool crew"
}

# The failure nobody looked at: on stderr, as a finding in the trace, and
# in the report, naming the task, its message and the pool.
check_unobserved() {
    err_has "unobserved task failure"
    err_has "lost cause"
    err_has "hidden failure 7"
    err_has "silent"
    local n
    has "unobserved finding" '"ph":"i"' '"cat":"finding"' '"finding":"unobserved task failure"' \
        '"label":"lost cause"' '"error":"hidden failure 7"' '"pool":"silent"' '"status_code":-1' '"worker":[0-9]'
    n=$(lines '"cat":"finding"' '"finding":"unobserved task failure"' | wc -l)
    [[ $n == 1 ]] || bad "$n unobserved-failure findings, want 1"
    has "failed task slice" '"cat":"task"' '"name":"lost cause"' '"status":"failed"'
    has "ok task slice" '"cat":"task"' '"name":"fine"' '"status":"ok"'
    report
    grep -q "unobserved task failure" "$REPORT" || bad "report --json does not list the unobserved task failure"
    grep -q "unobserved task failure" "$TEXT" || bad "the report does not list the unobserved task failure"
}

case_unobserved() {
    check_unobserved
    # Reported by the thread that shut the pool down: main.
    has "finding on main" '"cat":"finding"' '"finding":"unobserved task failure"' '"tid":1,'
}

case_unobserved_release() { check_unobserved; }

# Tasks run back to back on one worker: every one still has its slice, in
# order and not overlapping, with its arrows, and the report counts them.
case_handover() {
    err_lacks "a call returned the wrong thing"
    task_slices solo gate "step 1" "step 2" "step 3" "step 4" "step 5"
    local n i
    n=$(lines '"cat":"task"' '"ph":"X"' '"pool":"solo"' | wc -l)
    [[ $n == 6 ]] || bad "$n complete task slices in solo, want 6"
    for i in 1 2 3 4 5; do
        flow_reaches "submit step $i" "\"cat\":\"task\".*\"name\":\"step $i\""
        has "result flow of step $i" '"cat":"flow"' "\"name\":\"result of step $i\"" '"flow_out":true'
    done
    # Each slice begins where the one before it ended, or later (times in
    # ns; each was rounded to one, so their sum may overshoot by one).
    local prev_end=0 ts dur name
    while read -r ts dur name; do
        ts=$(ns_of "$ts") dur=$(ns_of "$dur")
        ((ts + 1 >= prev_end)) || bad "task slice $name begins at $ts ns, before the one before it ended ($prev_end)"
        prev_end=$((ts + dur))
    done < <(lines '"cat":"task"' '"ph":"X"' '"pool":"solo"' |
        sed -n 's/.*"ts":\([0-9.]*\).*"dur":\([0-9.]*\).*"name":"\([^"]*\)".*/\1 \2 \3/p' | sort -n)
    local v
    for v in $(lines '"ph":"C"' '"name":"solo"' | sed -n 's/.*"busy":\([0-9]*\).*/\1/p'); do
        ((v <= 1)) || bad "solo busy $v > 1 worker"
    done
    # Going straight on from task to task changes nothing to draw: busy is
    # written when gate begins and when step 5 ends, and the worker's state
    # has no empty pieces between the tasks.
    n=$(lines '"ph":"C"' '"name":"solo"' '"busy":' | wc -l)
    [[ $n == 2 ]] || bad "$n busy values written for solo, want 2 (1 at gate, 0 after step 5)"
    [[ -z $(lines '"cat":"state"' '"dur":0,' '"continued":true') ]] ||
        bad "empty continued state pieces in the trace"
    report
    grep -q 'solo' "$TEXT" || bad "the report does not name the pool solo"
    grep -qE '"tasks": *6[,}]' "$REPORT" || bad "report --json does not count 6 tasks in solo"
}

# A pool that runs for ever must not grow the writer's memory by the task:
# its records go once their futures are freed (TASKS_FREED).
case_steady() {
    err_lacks "a call returned the wrong thing"
    local n
    n=$(lines '"cat":"task"' '"ph":"X"' '"pool":"steady"' | wc -l)
    [[ $n == 24576 ]] || bad "$n complete task slices in steady, want 24576"
    has "result flow of a tick" '"cat":"flow"' '"name":"result of tick"' '"flow_out":true'
    if grep -q 'heap growth: unknown' "$OUT"; then
        echo "heap check skipped: this malloc gives no mallinfo2"
        return
    fi
    n=$(sed -n 's/^heap growth: \(-\{0,1\}[0-9]*\) bytes per task.*/\1/p' "$OUT")
    [[ -n $n ]] || { bad "no heap growth printed"; return; }
    ((n < 16)) || bad "the heap grew by $n bytes per task across rounds of released futures, want < 16"
}

if ! declare -F "case_$CASE" >/dev/null; then
    echo "pool_trace_test.sh: no case '$CASE'" >&2
    exit 2
fi
"case_$CASE"
((fail == 0)) && echo "PASS: $CASE"
exit "$fail"
