#!/usr/bin/env bash
# ctest (labels runtime;cli): `threadlens run` — usage errors, finding PROG,
# refusing static and 32-bit programs, the trace path, the environment given
# to PROG, exit statuses, stdout left alone, signal forwarding. Most checks use
# fake_preload.c (compiled here with plain cc: it writes "{}" as the trace);
# the last ones use the real libthreadlens_preload.so when it is built, and
# are skipped with a message otherwise (a failure if TL_RUN_REAL_PRELOAD=1,
# i.e. CMake knows the target, but the file is missing).
#
# usage: run_cli.sh THREADLENS RUN_TARGET CC WORKDIR
set -uo pipefail
TL=$1 TARGET=$2 CC=$3 W=$4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$W" && mkdir -p "$W" || exit 1
W=$(cd "$W" && pwd -P)
unset THREADLENS_OUT THREADLENS_PRELOAD THREADLENS_RUN_PID THREADLENS_CHILDREN LD_PRELOAD
# gcc's ASan runtime refuses to start when a preload comes before it.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
ulimit -c 0
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
skip() { echo "skip: $*"; }

# t WANT NAME CMD...: runs CMD (stdout in $W/out, stderr in $W/err), checks its status.
t() {
    local want=$1 name=$2
    shift 2
    "$@" >"$W/out" 2>"$W/err"
    local rc=$?
    if [[ $rc != "$want" ]]; then
        bad "$name: exit $rc, want $want; stderr: $(cat "$W/err")"
        return 1
    fi
    echo "ok: $name (exit $rc)"
}
# err_has TEXT NAME / err_lacks TEXT NAME / out_is TEXT NAME / err_empty NAME
err_has() { grep -qF -- "$1" "$W/err" || bad "$2: stderr lacks '$1': $(cat "$W/err")"; }
err_lacks() { ! grep -qF -- "$1" "$W/err" || bad "$2: stderr has '$1': $(cat "$W/err")"; }
out_is() { [[ $(cat "$W/out") == "$1" ]] || bad "$2: stdout '$(cat "$W/out")', want '$1'"; }
err_empty() { [[ ! -s $W/err ]] || bad "$1: stderr not empty: $(cat "$W/err")"; }
one_line() { [[ $(wc -l <"$W/err") == 1 ]] || bad "$1: want one stderr line: $(cat "$W/err")"; }

FAKE=$W/fake/libfake.so
mkdir -p "$W/fake"
"$CC" -shared -fPIC -Wall -Wextra -Werror -o "$FAKE" "$here/fake_preload.c" || exit 1
export THREADLENS_PRELOAD=$FAKE
mkdir -p "$W/cwd"
cd "$W/cwd" || exit 1

# ---- usage ------------------------------------------------------------------
USAGE="(usage: threadlens run [-o FILE] [--] PROG [ARGS...])"
t 2 "unknown option" "$TL" run -x "$TARGET"
err_has "threadlens: run: unknown option '-x' $USAGE" "unknown option"; one_line "unknown option"
t 2 "no PROG" "$TL" run
err_has "$USAGE" "no PROG"; one_line "no PROG"
t 2 "-o without FILE" "$TL" run -o
t 0 "--help" "$TL" run --help
grep -q '^usage: threadlens run' "$W/out" || bad "--help: no usage on stdout"
err_empty "--help"

# ---- finding PROG -----------------------------------------------------------
t 127 "missing program" "$TL" run tl-no-such-program-here
err_has "threadlens: run: tl-no-such-program-here: command not found" "missing program"
one_line "missing program"
t 127 "missing path" "$TL" run ./no-such-file
err_has "threadlens: run: ./no-such-file: No such file or directory" "missing path"
printf 'data\n' >"$W/noexec" && chmod 644 "$W/noexec"
t 126 "non-executable" "$TL" run "$W/noexec"
err_has "threadlens: run: $W/noexec: Permission denied" "non-executable"
mkdir -p "$W/pathdir" && cp "$W/noexec" "$W/pathdir/tl-noexec"
t 126 "non-executable in PATH" env PATH="$W/pathdir" "$TL" run tl-noexec
err_has "tl-noexec: Permission denied" "non-executable in PATH"
t 126 "directory" "$TL" run "$W/pathdir"
err_has "Is a directory" "directory"
printf 'plain text\n' >"$W/notelf" && chmod 755 "$W/notelf"
t 126 "not ELF, no #!" "$TL" run "$W/notelf"
err_has "threadlens: run: $W/notelf: Exec format error" "not ELF"
err_lacks "no trace was written" "not ELF"; one_line "not ELF"
printf '#!/bin/sh\necho script ran\n' >"$W/script.sh" && chmod 755 "$W/script.sh"
t 0 "#! script (the interpreter gets the preload)" "$TL" run -o "$W/script.json" "$W/script.sh"
out_is "script ran" "#! script"; err_empty "#! script"
[[ -f $W/script.json ]] || bad "#! script: no trace from the interpreter"

# ---- programs LD_PRELOAD cannot trace -----------------------------------------
printf '\177ELF\001\001\001\000\000\000\000\000\000\000\000\000' >"$W/elf32" && chmod 755 "$W/elf32"
t 2 "32-bit ELF" "$TL" run "$W/elf32"
err_has "threadlens: run: $W/elf32 is a 32-bit program; the tracer is 64-bit" "32-bit ELF"
if [[ -f /usr/lib/x86_64-linux-gnu/libc.a || -f /usr/lib/libc.a || -f /usr/lib64/libc.a ]] &&
    "$CC" -static -o "$W/static_prog" "$here/run_target.c" -lpthread 2>"$W/cc.err"; then
    t 2 "-static program" "$TL" run "$W/static_prog" print ran
    err_has "is statically linked: an LD_PRELOAD tracer cannot see its pthread calls" "-static"
    out_is "" "-static (must not run)"
    if "$CC" -static-pie -fPIE -o "$W/static_pie" "$here/run_target.c" -lpthread 2>"$W/cc.err"; then
        t 2 "-static-pie program" "$TL" run "$W/static_pie"
        err_has "is statically linked" "-static-pie"
    else
        skip "-static-pie: $CC cannot build one ($(head -1 "$W/cc.err"))"
    fi
else
    skip "-static program: no libc.a (install libc6-dev) or $CC -static failed"
fi
if [[ $(id -u) == 0 ]] && id nobody >/dev/null 2>&1; then
    cp "$TARGET" "$W/suid_target" && chown nobody "$W/suid_target" && chmod 4755 "$W/suid_target"
    # Whether set-user-ID takes effect here (not on a nosuid mount) decides the warning.
    if euid=$("$W/suid_target" euid 2>/dev/null); then
        t 0 "set-user-ID program" "$TL" run -o "$W/suid.json" "$W/suid_target" exit 0
        if [[ $euid != 0 ]]; then
            err_has "suid_target is set-user-ID: the loader ignores LD_PRELOAD for it" "set-user-ID"
            one_line "set-user-ID (no second message)"
            echo "ok: set-user-ID warning (runs as euid $euid)"
        else
            err_lacks "set-user-ID" "set-user-ID on a nosuid mount"
            echo "ok: no set-user-ID warning on a nosuid mount"
        fi
    else
        skip "set-user-ID: the copied target does not run as set-user-ID here"
    fi
else
    skip "set-user-ID warning: needs root and a 'nobody' user"
fi

# ---- the trace path -----------------------------------------------------------
t 2 "-o in a missing directory" "$TL" run -o "$W/no-such-dir/t.json" "$TARGET" print ran
err_has "threadlens: run: cannot write $W/no-such-dir/t.json: No such file or directory" \
    "-o missing dir"
out_is "" "-o missing dir (must not run)"
t 2 "-o is a directory" "$TL" run -o "$W/pathdir" "$TARGET" print ran
err_has "Is a directory" "-o is a directory"
if [[ $(id -u) != 0 ]]; then
    mkdir -p "$W/ro" && chmod 555 "$W/ro"
    t 2 "-o in a read-only directory" "$TL" run -o "$W/ro/t.json" "$TARGET"
    err_has "Permission denied" "-o read-only dir"
else
    skip "-o in a read-only directory: root can write anywhere"
fi
t 0 "default output name" "$TL" run "$TARGET" pid env THREADLENS_OUT
pid=$(head -1 "$W/out")
base=$(basename "$TARGET")
out_is "$pid"$'\n'"$W/cwd/$base-%p.json" "default output name"
[[ -f $W/cwd/$base-$pid.json ]] ||
    bad "default output name: no $W/cwd/$base-$pid.json: $(ls "$W/cwd")"
err_empty "default output name"
rm -f "$W/cwd"/*.json
mkdir -p "$W/cwd/sub"
t 0 "relative -o made absolute" "$TL" run -o sub/rel.json "$TARGET" env THREADLENS_OUT
out_is "$W/cwd/sub/rel.json" "relative -o"
[[ -f $W/cwd/sub/rel.json ]] || bad "relative -o: no trace written"
t 0 "--output=FILE with %p" "$TL" run --output="$W/p-%p.json" "$TARGET" pid
[[ -f $W/p-$(cat "$W/out").json ]] || bad "--output with %p: no $W/p-$(cat "$W/out").json"
err_empty "--output with %p"
t 4 "no trace written" env FAKE_PRELOAD_SKIP=1 "$TL" run -o "$W/none.json" "$TARGET" exit 4
err_has "threadlens: run: no trace was written ($TARGET made no pthread calls" "no trace"
err_has "set THREADLENS_CHILDREN=1)" "no trace"; one_line "no trace"
echo old >"$W/old.json"
t 0 "an old trace is not a new one" env FAKE_PRELOAD_SKIP=1 "$TL" run -o "$W/old.json" "$TARGET"
err_has "no trace was written" "old trace"
[[ $(cat "$W/old.json") == old ]] || bad "old trace: the old file was changed"
t 0 "an old trace overwritten" "$TL" run -o "$W/old.json" "$TARGET"
err_empty "old trace overwritten"

# ---- the environment PROG gets --------------------------------------------------
t 0 "THREADLENS_RUN_PID is PROG's pid" "$TL" run "$TARGET" pid env THREADLENS_RUN_PID
[[ $(sed -n 1p "$W/out") == $(sed -n 2p "$W/out") ]] || bad "THREADLENS_RUN_PID: $(cat "$W/out")"
t 0 "LD_PRELOAD chains" env LD_PRELOAD=libm.so.6 "$TL" run "$TARGET" env LD_PRELOAD
out_is "$FAKE:libm.so.6" "LD_PRELOAD chains"
t 0 "relative THREADLENS_PRELOAD made absolute" \
    env THREADLENS_PRELOAD=../fake/libfake.so "$TL" run "$TARGET" env LD_PRELOAD
out_is "$FAKE" "relative THREADLENS_PRELOAD"
t 2 "missing THREADLENS_PRELOAD" env THREADLENS_PRELOAD="$W/nope.so" "$TL" run "$TARGET"
err_has "threadlens: run: cannot find libthreadlens_preload.so (looked in $W/nope.so" \
    "missing preload"
mkdir -p "$W/moved/bin" && cp "$TL" "$W/moved/bin/threadlens"
t 2 "no preload next to the program" \
    env -u THREADLENS_PRELOAD "$W/moved/bin/threadlens" run "$TARGET"
err_has "cannot find libthreadlens_preload.so (looked in $W/moved/bin/../lib/" "no preload found"

# ---- options end at PROG; -- ------------------------------------------------------
t 0 "options after PROG are PROG's" "$TL" run "$TARGET" print -o
out_is "-o" "options after PROG"
ln -sf "$TARGET" "$W/pathdir/-tl-dash"
t 0 "-- before a PROG named -..." env PATH="$W/pathdir:$PATH" "$TL" run -- -tl-dash print ok
out_is "ok" "-- then -tl-dash"
t 2 "a PROG named -... without --" env PATH="$W/pathdir:$PATH" "$TL" run -tl-dash print ok
err_has "unknown option '-tl-dash'" "-tl-dash without --"

# ---- exit status, stdout, signals -------------------------------------------------
t 3 "exit status 3" "$TL" run "$TARGET" exit 3
err_empty "exit 3"
t 143 "killed by SIGTERM" "$TL" run "$TARGET" raise TERM
t 139 "killed by SIGSEGV" "$TL" run "$TARGET" raise SEGV
"$TARGET" lines 2000 threads print end >"$W/plain.out"
t 0 "stdout untouched" "$TL" run "$TARGET" lines 2000 threads print end
cmp -s "$W/plain.out" "$W/out" || bad "stdout differs from an untraced run"
err_empty "stdout untouched"

mkdir -p "$W/sig"
"$TL" run "$TARGET" wait-term "$W/sig" exit 0 >"$W/sig.out" 2>"$W/sig.err" &
tlpid=$!
# wait_for FILE: up to 60 s, a bound on a hang, not a time limit on the program.
wait_for() {
    for _ in $(seq 1 600); do
        [[ -s $1 ]] && return 0
        sleep 0.1
    done
    return 1
}
if ! wait_for "$W/sig/ready"; then
    bad "SIGTERM forwarding: the target never got ready"
    kill -KILL "$tlpid" 2>/dev/null
elif kill -TERM "$tlpid" && ! wait_for "$W/sig/marker"; then
    bad "SIGTERM to threadlens was not forwarded to the program"
    kill -KILL "$(cat "$W/sig/ready")" 2>/dev/null
    wait "$tlpid"
else
    wait "$tlpid"
    rc=$?
    [[ $rc == 0 ]] || bad "SIGTERM forwarding: exit $rc, want 0; stderr: $(cat "$W/sig.err")"
    [[ $(cat "$W/sig/marker") == "got SIGTERM" ]] || bad "SIGTERM forwarding: marker"
    [[ ! -s $W/sig.err ]] || bad "SIGTERM forwarding: stderr: $(cat "$W/sig.err")"
    echo "ok: SIGTERM to threadlens is forwarded (exit $rc)"
fi

# ---- the real preload ---------------------------------------------------------------
REAL=$(dirname "$TL")/../lib/libthreadlens_preload.so
if [[ -f $REAL ]]; then
    unset THREADLENS_PRELOAD
    mkdir -p "$W/real" && cd "$W/real" || exit 1
    "$TARGET" lines 100 threads print end >"$W/plain.out"
    t 0 "real preload: default trace" "$TL" run "$TARGET" lines 100 threads print end
    cmp -s "$W/plain.out" "$W/out" || bad "real preload: stdout differs from an untraced run"
    traces=("$W/real/$base"-*.json)
    [[ ${#traces[@]} == 1 && -s ${traces[0]} ]] ||
        bad "real preload: want one $base-<pid>.json: $(ls "$W/real")"
    [[ ${traces[0]} =~ /$base-[0-9]+\.json$ ]] || bad "real preload: trace name ${traces[0]}"
    one_line "real preload"
    err_has "threadlens: " "real preload summary"; err_has "${traces[0]}" "real preload summary"
    if command -v jq >/dev/null; then
        jq -e . "${traces[0]}" >/dev/null || bad "real preload: ${traces[0]} is not JSON"
    fi
    t 5 "real preload: exit status" "$TL" run -o "$W/real/x-%p.json" "$TARGET" threads exit 5
    cd "$W" || exit 1
elif [[ ${TL_RUN_REAL_PRELOAD:-0} == 1 ]]; then
    bad "the threadlens_preload target exists but $REAL does not"
else
    skip "real preload: $REAL is not built yet"
fi

[[ $fail == 0 ]] && echo "run_cli: all checks passed"
exit "$fail"
