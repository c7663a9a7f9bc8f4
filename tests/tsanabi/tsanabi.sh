#!/usr/bin/env bash
# ctest (label preload): the __tsan_* ABI of libthreadlens_preload.so. The
# programs in progs/ are compiled with `CC -fsanitize=thread -c` (several
# optimization levels and instrumentation options) and linked WITHOUT it
# against the preload library, as `threadlens cc` does. Checks:
# - every __tsan_* symbol the objects need is exported (and so it links);
# - abi_all / atomics_mt: the atomic entry points compute the right values in
#   every size and order, single-threaded and under contention, with race
#   detection on and off (THREADLENS_RACES=0), and report nothing;
# - race: two threads incrementing a global without a lock are reported;
# - memrace: a race through memcpy / memset (the preload's wrappers);
# - handoff: release/acquire hand-offs, a mutex, and memory reused across
#   threads through malloc/free are not reported.
#
# usage: tsanabi.sh CC LIBDIR WORKDIR
set -uo pipefail
CC=$1 LIB=$2 W=$3
here=$(cd "$(dirname "$0")" && pwd)
P=$here/progs
rm -rf "$W" && mkdir -p "$W" || exit 1
W=$(cd "$W" && pwd -P)
LIB=$(cd "$LIB" && pwd -P)
unset THREADLENS_OUT THREADLENS_RACES THREADLENS_FUNCS LD_PRELOAD
export THREADLENS_OUT=$W/trace-%p.json
ulimit -c 0
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

if [[ ! -f $LIB/libthreadlens_preload.so ]]; then
    echo "FAIL: no $LIB/libthreadlens_preload.so" >&2
    exit 1
fi
clang=0
"$CC" --version 2>/dev/null | grep -qi clang && clang=1
x86_64=0
[[ $("$CC" -dumpmachine 2>/dev/null) == x86_64* ]] && x86_64=1

# build NAME SOURCE FLAGS...: object and program $W/NAME (0 when both built).
build() {
    local name=$1 src=$2
    shift 2
    if ! "$CC" -g -fsanitize=thread "$@" -c "$P/$src" -o "$W/$name.o" 2>"$W/$name.cc-err"; then
        bad "$name: $CC -fsanitize=thread $* -c $src failed: $(cat "$W/$name.cc-err")"
        return 1
    fi
    # Every __tsan_* the object needs must be exported by the library (the
    # link below would fail too; this names the missing ones).
    local missing
    missing=$(comm -23 <(nm -u "$W/$name.o" | awk '$2 ~ /^__tsan_/ {print $2}' | sort -u) \
                       <(nm -D --defined-only "$LIB/libthreadlens_preload.so" |
                         awk '$3 ~ /^__tsan_/ {print $3}' | sort -u))
    [[ -z $missing ]] || bad "$name: not exported by the preload: $(echo $missing)"
    if ! "$CC" -o "$W/$name" "$W/$name.o" -L"$LIB" -Wl,-rpath,"$LIB" -lthreadlens_preload \
            -pthread 2>"$W/$name.ld-err"; then
        bad "$name: link failed: $(cat "$W/$name.ld-err")"
        return 1
    fi
}

# run NAME [ENV=VALUE...]: runs $W/NAME (stdout $W/out, stderr $W/err); sets rc.
rc=0
run() {
    local name=$1
    shift
    env "$@" timeout 120 "$W/$name" >"$W/out" 2>"$W/err"
    rc=$?
}
has() { grep -qF -- "$1" "$W/$2"; }

# expect_clean NAME WHAT [ENV...]: exit 0, WHAT on stdout, no race reported.
expect_clean() {
    local name=$1 what=$2
    shift 2
    run "$name" "$@"
    if [[ $rc != 0 ]] || ! has "$what" out || has "data race" err; then
        bad "$name $*: exit $rc; stdout: $(cat "$W/out"); stderr: $(cat "$W/err")"
        return
    fi
    echo "ok: $name $* ($(cat "$W/out"))"
}

# expect_race NAME SOURCE: exit 0 and a report naming SOURCE.
expect_race() {
    local name=$1 src=$2
    run "$name"
    if [[ $rc != 0 ]] || ! has "WARNING: threadlens: data race (pid=" err ||
        ! grep -q "^SUMMARY: threadlens: data race .*/$src:[0-9]* in " "$W/err"; then
        bad "$name: exit $rc, want a race report in $src; stderr: $(cat "$W/err")"
        return
    fi
    echo "ok: $name reported ($(grep -c '^WARNING: threadlens: data race' "$W/err") report(s))"
}

# ---- the ABI: every access C code can make -----------------------------------
# (-O2 only with _FORTIFY_SOURCE: each compile of abi_all takes seconds.)
variants=("-O0" "-O1" "-O2 -D_FORTIFY_SOURCE=2")
if [[ $clang == 1 ]]; then
    # clang emits __tsan_atomic128_* only when it may use cmpxchg16b.
    cx16=
    [[ $x86_64 == 1 ]] && cx16=-mcx16
    variants[1]="-O1 $cx16"
    variants+=("-O1 $cx16 -mllvm -tsan-distinguish-volatile=1 -mllvm -tsan-compound-read-before-write=1")
else
    variants+=("-O1 --param=tsan-distinguish-volatile=1")
fi
i=0
for v in "${variants[@]}"; do
    i=$((i + 1))
    # shellcheck disable=SC2086
    build abi_all$i abi_all.c $v || continue
    echo "abi_all$i: $v"
    expect_clean abi_all$i "abi_all: ok"
done
# The atomics are performed when detection is off too.
[[ -x $W/abi_all2 ]] && expect_clean abi_all2 "abi_all: ok" THREADLENS_RACES=0

# ---- atomics under contention ---------------------------------------------------
mt_flags=(-O1)
[[ $clang == 1 && $x86_64 == 1 ]] && mt_flags+=(-mcx16)
if build atomics_mt atomics_mt.c "${mt_flags[@]}"; then
    expect_clean atomics_mt "atomics_mt: ok"
    expect_clean atomics_mt "atomics_mt: ok" THREADLENS_RACES=0
fi

# ---- races found, hand-offs not ---------------------------------------------------
build race race.c -O1 && expect_race race race.c
build memrace memrace.c -O1 && expect_race memrace memrace.c
if build handoff handoff.c -O1; then
    expect_clean handoff "handoff: ok"
    build handoff0 handoff.c -O0 && expect_clean handoff0 "handoff: ok"
fi

exit $fail
