#!/usr/bin/env bash
# racereport_test.sh — data race reports end to end (ctest, labels
# runtime;race): runs a racy program, then checks the report block on its
# stderr, the exit summary, `threadlens report --json` (races) and the text
# report, and the trace: tracecheck passes, the finding instant, a
# zero-length "race: ..." slice on each accessing thread joined by one flow
# (flow_out on the first access, flow_in on the second, one bind_id), and
# for code built with `threadlens cc` the call-stack slices (cat function),
# one finding per pair of source lines, and no frame of the runtime itself.
#
# usage: racereport_test.sh annotated|flood PROG THREADLENS TRACECHECK WORKDIR
#        racereport_test.sh cc|counter SOURCE THREADLENS TRACECHECK WORKDIR
#   annotated: PROG is annotated_race.c built against libthreadlens
#   flood:     the same, its ring overflowing just before the racing read, so
#              the race is (most likely) reported from the records at close
#   cc:        SOURCE (cc_race.c) is built here with `threadlens cc`
#   counter:   the same with cc_counter.c, whose counter++ races as a load
#              and as a store: two records, one report
# Only bash, grep and sed: CI may lack python3 and jq.
set -uo pipefail
[[ $# == 5 ]] || { echo "usage: racereport_test.sh annotated|flood|cc|counter PROG THREADLENS TRACECHECK WORKDIR" >&2; exit 2; }
MODE=$1 PROG=$2 TL=$3 TC=$4 W=$5
HERE=$(cd "$(dirname "$0")" && pwd)
rm -rf "$W" && mkdir -p "$W" || exit 1
TRACE=$W/trace.json OUT=$W/out ERR=$W/err JSON=$W/report.json TEXT=$W/report.txt
unset "${!THREADLENS_@}" LD_PRELOAD
fail=0
bad() { echo "FAIL: $MODE: $*" >&2; fail=1; }
show() { echo "--- stderr ---"; cat "$ERR"; echo "--------------"; }

# has FILE REGEX WHAT: FILE has a line matching the extended REGEX.
has() { grep -Eq -- "$2" "$1" || bad "$3 (no line matching: $2)"; }
# hasnt FILE REGEX WHAT
hasnt() { ! grep -Eq -- "$2" "$1" || bad "$3 (a line matches: $2)"; }

# same_place_blocks FILE PLACE: how many report blocks in FILE have both
# accesses (their #0 lines) at PLACE, a regex for "file:line".
same_place_blocks() {
    local n=0 in=0 hits=0 line re="^    #0 /.*$2( \\(|\$)"
    while IFS= read -r line; do
        if [[ $line == '==================' ]]; then
            if ((in)); then ((hits == 2)) && n=$((n + 1)); in=0; else in=1 hits=0; fi
        elif ((in)) && [[ $line =~ $re ]]; then
            hits=$((hits + 1))
        fi
    done < "$1"
    echo $n
}

SOURCE=
if [[ $MODE == cc || $MODE == counter ]]; then
    SOURCE=$PROG
    # The compiler the build uses (threadlens cc takes $CC).
    export CC=${CC:-cc}
    "$TL" cc -g -O1 -o "$W/prog" "$PROG" > "$W/cc.out" 2>&1 || {
        cat "$W/cc.out"; echo "FAIL: cc: threadlens cc failed" >&2; exit 1; }
    PROG=$W/prog
fi

ARGS=()
if [[ $MODE == flood ]]; then
    export THREADLENS_BUFFER_EVENTS=1024 THREADLENS_FULL_WAIT_US=0
    ARGS=(flood)
fi
THREADLENS_OUT=$TRACE timeout 60 "$PROG" "${ARGS[@]}" > "$OUT" 2> "$ERR"
rc=$?
FLOOD=0
[[ $MODE == flood ]] && MODE=annotated FLOOD=1
[[ $rc == 0 ]] || bad "the program exited with status $rc"

# ---- stderr: one block per pair of racing sites, TSan's layout ----
blocks=$(grep -c '^WARNING: threadlens: data race (pid=[0-9]*)$' "$ERR")
rules=$(grep -c '^==================$' "$ERR")
if [[ $MODE == annotated ]]; then
    [[ $blocks == 1 ]] || bad "expected 1 report block, got $blocks"
    [[ $rules == 2 ]] || bad "expected the block between two rules, got $rules rules"
    SRC='annotated_race\.c'
    # line LABEL: the line of annotated_race.c commented "/* LABEL */"
    line() { grep -n "/\* $1" "$HERE/annotated_race.c" | cut -d: -f1; }
    L_READ=$(line 'the second access') L_WRITE=$(line 'the first access') L_SLEEP=$(line 'the sleep')
    [[ -n $L_READ && -n $L_WRITE && -n $L_SLEEP ]] || bad "cannot find the marked lines in annotated_race.c"
    has "$ERR" '^  Read of size 4 at 0x[0-9a-f]+ by thread reader \(T2\):$' "the second access (read by reader)"
    has "$ERR" "^    #0 /.*$SRC:$L_READ\$" "the read's source line"
    has "$ERR" '^  Previous write of size 4 at 0x[0-9a-f]+ by thread writer \(T3\):$' "the first access (write by writer)"
    has "$ERR" "^    #0 /.*$SRC:$L_WRITE\$" "the write's source line"
    has "$ERR" '^  Locks held by T2: mutex m \(0x[0-9a-f]+\)$' "the lock the reader held"
    has "$ERR" '^  Locks held by T3: none$' "no lock held by the writer"
    has "$ERR" "^  Location is global 'counter' at 0x[0-9a-f]+\$" "the variable"
    has "$ERR" "^  Note: only a sleep \(/.*$SRC:$L_SLEEP, [0-9.]+ ms in T2\) separated these accesses; a sleep orders\$" "the sleep note"
    has "$ERR" '^  nothing, so it can hide a race but never fix it\.$' "the sleep note's end"
    has "$ERR" "^SUMMARY: threadlens: data race /.*$SRC:$L_READ in reader\$" "the summary line"
    has "$ERR" '^threadlens: 3 threads, [0-9]+ events, .*; found 1 data race$' "the exit summary counts the race"
elif [[ $MODE == counter ]]; then
    SRC='cc_counter\.c' FN=worker
    L_INC=$(grep -n '/\* the race \*/' "$SOURCE" | cut -d: -f1)
    [[ $blocks == 1 ]] || bad "expected 1 report block (the load's race and the store's are one), got $blocks"
    has "$ERR" '^  (Read|Write) of size 4 at 0x[0-9a-f]+ by thread worker \(T3\):$' "the second access"
    has "$ERR" '^  Previous write of size 4 at 0x[0-9a-f]+ by thread worker \(T2\):$' "the first access"
    has "$ERR" "^SUMMARY: threadlens: data race /.*$SRC:$L_INC in worker\$" "the summary line"
    has "$ERR" '; found 1 data race$' "the exit summary counts the finding, not its records"
else
    SRC='cc_race\.c' FN=bump
    L_INC=$(grep -n 'counter++; }' "$SOURCE" | cut -d: -f1)
    # peek's read against bump's write, and bump against itself.
    [[ $blocks == 2 ]] || bad "expected 2 report blocks, got $blocks"
    has "$ERR" '^  (Read|Write) of size 4 at 0x[0-9a-f]+ by thread worker \(T[23]\):$' "the second access"
    has "$ERR" '^  Previous write of size 4 at 0x[0-9a-f]+ by thread worker \(T[23]\):$' "the first access"
    has "$ERR" "^    #0 /.*$SRC:[0-9]+ \\(bump\\)\$" "the access, symbolized"
    has "$ERR" "^    #1 /.*$SRC:[0-9]+ \\(twice\\)\$" "its caller, from the shadow call stack"
    has "$ERR" "^    #2 /.*$SRC:[0-9]+ \\(worker\\)\$" "the caller's caller"
    has "$ERR" "^  Location is global 'counter' at 0x[0-9a-f]+\$" "the variable"
    has "$ERR" "^SUMMARY: threadlens: data race /.*$SRC:[0-9]+ in bump\$" "the summary line"
    has "$ERR" "; found $blocks data races?\$" "the exit summary counts the findings"
fi
if [[ -n $SOURCE ]]; then
    [[ -n $L_INC ]] || bad "cannot find the counter++ line in $SOURCE"
    # counter++ is a load and a store: one report for its line however many
    # pairs of pcs raced there.
    n=$(same_place_blocks "$ERR" "$SRC:$L_INC")
    [[ $n == 1 ]] || bad "expected 1 report for $SRC:$L_INC against itself, got $n"
    # The thread trampoline that calls worker is the runtime's: not shown.
    hasnt "$ERR" '^    #[0-9]+ .*(runtime/(preload|src)/|\((thread_)?trampoline\))' "a frame of the runtime"
    # Frames left out leave no gap: #0, #1, #2... in every stack.
    prev=-1
    while IFS= read -r line; do
        [[ $line =~ ^\ \ \ \ \#([0-9]+)\  ]] || continue
        k=${BASH_REMATCH[1]}
        ((k == 0 || k == prev + 1)) || bad "frame #$k follows #$prev"
        prev=$k
    done < "$ERR"
fi
hasnt "$ERR" 'more races not reported' "no overflow"
# Outside the blocks, every line of the runtime is prefixed.
sed '/^==================$/,/^==================$/d' "$ERR" | grep -v '^threadlens: ' > "$W/unprefixed"
[[ -s $W/unprefixed ]] && bad "stderr lines without 'threadlens: ': $(head -3 "$W/unprefixed")"

# ---- the trace ----
"$TC" "$TRACE" > "$W/tracecheck.out" 2>&1 || { cat "$W/tracecheck.out"; bad "tracecheck failed"; }
has "$TRACE" '"ph":"i",.*"s":"t","cat":"finding","name":"data race","args":\{"finding":"data race","id":[0-9]+,"count":[0-9]+,"message":"data race on counter \(4 bytes at 0x' "the finding instant"
has "$TRACE" '"name":"data race",.*"first":\{"tid":[0-9]+,"thread":"[a-z]+","ts":[0-9.]+,.*"op":"write","size":4,.*"stack":\[' "the first access in args"
has "$TRACE" '"name":"data race",.*"second":\{"tid":[0-9]+,"thread":"[a-z]+","ts":[0-9.]+,.*"locks":\[' "the second access in args"
# The two slices of the first race and their flow: one bind_id, out then in.
out_line=$(grep -m1 '"ph":"X",.*"dur":0,"cat":"finding","name":"race: write of counter","bind_id":[0-9]*,"flow_out":true' "$TRACE")
[[ -n $out_line ]] || bad "no 'race: write of counter' slice with flow_out"
id=$(sed -n 's/.*"bind_id":\([0-9]*\),"flow_out".*/\1/p' <<< "$out_line")
in_line=$(grep -m1 "\"ph\":\"X\",.*\"dur\":0,\"cat\":\"finding\",\"name\":\"race: [a-z]* of counter\",\"bind_id\":$id,\"flow_in\":true" "$TRACE")
[[ -n $id && -n $in_line ]] || bad "no 'race: ... of counter' slice with flow_in for bind_id $id"
tid_of() { sed -n 's/.*"tid":\([0-9]*\),.*/\1/p' <<< "$1"; }
[[ -n $in_line && $(tid_of "$out_line") != $(tid_of "$in_line") ]] || bad "the two race slices are on one thread"
if [[ $MODE == annotated ]]; then
    [[ $(tid_of "$out_line") == 3 && $(tid_of "$in_line") == 2 ]] || bad "the arrow should go from T3 (writer) to T2 (reader)"
    has "$TRACE" "\"name\":\"data race\",.*\"sleep\":\\{\"tid\":2,\"at\":\"/.*annotated_race\\.c:$L_SLEEP\",\"ms\":[0-9.]+\\}" "the sleep in args"
    has "$TRACE" '"name":"data race",.*"objects":\[\{"id":[0-9]+,"kind":"mutex","name":"m","addr":"0x' "the lock in args.objects"
    # Reported when found (count 1), then the 5 reads counted at the end.
    # When its event was lost (flood) it is reported at the end, counted.
    has "$TRACE" '"name":"data race","args":\{"finding":"data race","id":[0-9]+,"count":5,' "the final count"
    if [[ $FLOOD == 0 ]]; then
        n=$(grep -c '"name":"data race","args":{"finding":"data race","id":[0-9]*,"count":1,' "$TRACE")
        [[ $n == 1 ]] || bad "expected the race reported once with count 1, got $n"
    fi
else
    # One finding for the counter++ line, with all its records counted.
    msg="\"message\":\"data race on counter \\(4 bytes at 0x[0-9a-f]+\\): (read|write) by worker at /[^\"]*$SRC:$L_INC \\($FN\\), (read|write) by worker at /[^\"]*$SRC:$L_INC \\($FN\\)\""
    grep -E "\"name\":\"data race\",\"args\":\\{\"finding\":\"data race\",\"id\":[0-9]+,\"count\":[0-9]+,$msg" "$TRACE" > "$W/inc_instants"
    ids=$(sed 's/.*"finding":"data race","id":\([0-9]*\),.*/\1/' "$W/inc_instants" | sort -u | wc -l)
    [[ $ids == 1 ]] || bad "expected one finding id for the counter++ line, got $ids"
    max=0
    for c in $(sed 's/.*"finding":"data race","id":[0-9]*,"count":\([0-9]*\),.*/\1/' "$W/inc_instants"); do
        ((c > max)) && max=$c
    done
    MIN=1
    [[ $MODE == counter ]] && MIN=2 # the load's record and the store's
    ((max >= MIN)) || bad "the counter++ finding's final count is $max, expected >= $MIN"
    # No frame of the runtime in the stacks, nor as a call site.
    hasnt "$TRACE" '"stack":\[[^]]*(runtime/(preload|src)/|\((thread_)?trampoline\))' "a runtime frame in a stack"
    hasnt "$TRACE" '"cat":"function",.*"args":\{"at":"[^"]*(runtime/(preload|src)/|\((thread_)?trampoline\))' "a runtime call site"
    # Call-stack slices: named after the function, args.at the call site
    # (none for a thread's function when the runtime's trampoline called it).
    if [[ $MODE == cc ]]; then
        has "$TRACE" '"ph":"X",.*"cat":"function","name":"bump","args":\{"at":"/.*cc_race\.c:[0-9]+ \(twice\)"\}' "bump's call slices"
        has "$TRACE" '"ph":"X",.*"cat":"function","name":"twice","args":\{"at":"/.*cc_race\.c:[0-9]+ \(worker\)"\}' "twice's call slices"
    fi
    has "$TRACE" '"ph":"X",.*"cat":"function","name":"worker"' "worker's call slices"
fi
tail -n 2 "$TRACE" | grep -q '"name":"threadlens_summary"' || bad "the trace is not closed"

# ---- threadlens report ----
"$TL" report --json "$TRACE" > "$JSON" 2> "$W/report.err" || bad "threadlens report --json failed: $(cat "$W/report.err")"
has "$JSON" '^  "races": \[\{$' "a races list"
has "$JSON" '^      "id": [0-9]+,$' "the race's id"
has "$JSON" '^      "count": [0-9]+,$' "the race's count"
has "$JSON" '^      "addr": "0x[0-9a-f]+",$' "the race's address"
has "$JSON" '^      "size": 4,$' "the race's size"
has "$JSON" '^      "variable": "counter",$' "the race's variable"
has "$JSON" '^      "first": \{$' "the first access"
has "$JSON" '^      "second": \{$' "the second access"
has "$JSON" '^        "op": "write",$' "a write"
has "$JSON" '^        "ts_ns": [0-9]+$' "access times in ns"
if [[ $MODE == annotated ]]; then
    n=$(grep -c '^      "variable": ' "$JSON")
    [[ $n == 1 ]] || bad "expected 1 race in report --json, got $n"
    has "$JSON" '^      "count": 5,$' "the race's final count"
    has "$JSON" '^        "thread": "reader",$' "the reader"
    has "$JSON" '^        "thread": "writer",$' "the writer"
else
    # One races entry for the counter++ line, with the summed count.
    grep -A2 -E "^      $(sed 's/"message":/"message": /' <<< "$msg"),\$" "$JSON" > "$W/inc_json"
    n=$(grep -c '^      "message": ' "$W/inc_json")
    [[ $n == 1 ]] || bad "expected 1 race for the counter++ line in report --json, got $n"
    c=$(sed -n 's/^      "count": \([0-9]*\),$/\1/p' "$W/inc_json")
    [[ -n $c && $c == "$max" ]] || bad "report --json counts the counter++ race $c times, the trace $max"
    n=$(grep -c '^      "variable": ' "$JSON")
    [[ $n == "$blocks" ]] || bad "expected $blocks races in report --json, got $n"
fi
"$TL" report "$TRACE" > "$TEXT" 2>&1 || bad "threadlens report failed"
has "$TEXT" '^  data race at [0-9.]+ [mun]?s on thread [0-9]+ \((reader|worker)\)' "the race in the text report"
[[ $MODE == annotated ]] && has "$TEXT" '^  data race at [0-9.]+ [mun]?s on thread 2 \(reader\), reported 5 times$' "the count in the text report"
has "$TEXT" '^    variable counter, address 0x[0-9a-f]+, 4 bytes$' "its variable in the text report"
has "$TEXT" '^    first:  write by thread [0-9]+ \((writer|worker)\) at ' "its first access in the text report"

[[ $fail == 0 ]] || show

# ---- past THREADLENS_MAX_RACES: reported once, the rest counted ----
if [[ $MODE == cc ]]; then
    # cc_race.c races at two pairs of sites (peek's read and bump's write
    # against the first worker's write): the second is only counted.
    ERR=$W/err.max
    THREADLENS_MAX_RACES=1 THREADLENS_OUT=$W/max.json timeout 60 "$PROG" > "$OUT" 2> "$ERR" ||
        bad "THREADLENS_MAX_RACES=1: the program failed"
    n=$(grep -c '^WARNING: threadlens: data race' "$ERR")
    [[ $n == 1 ]] || bad "THREADLENS_MAX_RACES=1: expected 1 report block, got $n"
    has "$ERR" '^threadlens: [1-9][0-9]* more races not reported \(THREADLENS_MAX_RACES\)$' "the overflow line"
    has "$ERR" '; found 1 data race$' "the exit summary counts the reported race"
    "$TC" "$W/max.json" > "$W/tracecheck.max" 2>&1 || { cat "$W/tracecheck.max"; bad "tracecheck failed (max races)"; }
    [[ $fail == 0 ]] || show
fi
exit $fail
