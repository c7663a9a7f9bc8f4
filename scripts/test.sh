#!/usr/bin/env bash
# Runs every threadlens test, the way CI does (.ci/run calls this):
#   1. deps        scripts/install-deps.sh
#   2. build       cmake -B build && cmake --build build          (gcc, -Werror)
#   3. ctest       ctest --test-dir build -j2: every test (runtime, checker,
#                  scenario, install, thirdparty, viewer)
#   4. asan        build-asan (-DTHREADLENS_SANITIZE=address: ASan+UBSan), ctest -L runtime
#                  and -L viewer (the loader on bad input, the renderer, the report)
#   5. tsan        build-tsan (-DTHREADLENS_SANITIZE=thread), ctest -L runtime and
#                  -L loader (the trace loader's two threads)
#   6. clang       build-clang (-DCMAKE_C_COMPILER=clang, -Werror), ctest -L runtime,
#                  and the trace loader's libFuzzer target for 60 s (label fuzz)
# Every step runs even when an earlier one failed (a step whose build failed
# skips its ctest); the last line is "test.sh: N passed, N failed" and the
# exit status is non-zero when any step failed.
# Env: JOBS (default 2); TL_STEPS="build ctest ..." to run only some steps
# (deps always runs unless TL_SKIP_DEPS=1).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1

JOBS=${JOBS:-2}
STEPS=${TL_STEPS:-build ctest asan tsan clang}
passed=0
failed=0
summary=()
t_all=$SECONDS

want() { [[ " $STEPS " == *" $1 "* ]]; }

# step NAME CMD...: runs CMD, records PASS/FAIL with its duration.
step() {
    local name=$1 t0=$SECONDS rc=0
    shift
    echo
    echo "==== test.sh [$name]: $*"
    "$@" || rc=$?
    local dt=$((SECONDS - t0))
    if ((rc == 0)); then
        passed=$((passed + 1))
        summary+=("  PASS  $name (${dt}s)")
    else
        failed=$((failed + 1))
        summary+=("  FAIL  $name (status $rc, ${dt}s)")
    fi
    echo "==== test.sh [$name]: $([[ $rc == 0 ]] && echo ok || echo "FAILED ($rc)") in ${dt}s"
    return "$rc"
}
skip() {
    failed=$((failed + 1))
    summary+=("  FAIL  $1 (not run: $2)")
    echo "==== test.sh [$1]: not run: $2"
}

configure_build() { # DIR [cmake args...]
    local dir=$1
    shift
    cmake -S "$root" -B "$dir" "$@" && cmake --build "$dir" -j "$JOBS"
}

# ctest with a default per-test timeout, failing when the selection is empty.
run_ctest() { # DIR [ctest args...]
    local dir=$1
    shift
    ctest --test-dir "$dir" --output-on-failure -j "$JOBS" --timeout 600 --no-tests=error "$@"
}

# CI must run the third-party check, not skip it.
if [[ -n ${CI:-} ]]; then
    export THREADLENS_REQUIRE_THIRDPARTY=1
fi

if [[ ${TL_SKIP_DEPS:-0} != 1 ]]; then
    step deps bash "$root/scripts/install-deps.sh"
fi

if want build; then
    if step build configure_build build; then
        want ctest && step ctest run_ctest build
    else
        want ctest && skip ctest "build failed"
    fi
fi

# Sanitizer runtime options: stop at the first report so the test fails there.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

if want asan; then
    if step asan-build configure_build build-asan -DTHREADLENS_SANITIZE=address; then
        step asan-ctest run_ctest build-asan -L 'runtime|viewer'
    else
        skip asan-ctest "build failed"
    fi
fi

if want tsan; then
    # TSan needs a fixed, low-entropy address space layout: on kernels with
    # vm.mmap_rnd_bits > 28 it dies with "unexpected memory mapping". Probe a
    # trivial TSan program; when it needs ASLR off, run ctest under setarch -R.
    tsan_prefix=()
    probe_dir=$(mktemp -d)
    printf '#include <pthread.h>\nstatic void *f(void *a) { return a; }\nint main(void) { pthread_t t; pthread_create(&t, 0, f, 0); return pthread_join(t, 0); }\n' >"$probe_dir/p.c"
    if cc -fsanitize=thread -o "$probe_dir/p" "$probe_dir/p.c" 2>"$probe_dir/err"; then
        if "$probe_dir/p" >/dev/null 2>&1; then
            echo "test.sh: TSan runs as is"
        elif setarch "$(uname -m)" -R "$probe_dir/p" >/dev/null 2>&1; then
            echo "test.sh: TSan needs ASLR off here: running its ctest under setarch -R"
            tsan_prefix=(setarch "$(uname -m)" -R)
        else
            echo "test.sh: warning: a trivial TSan program does not run here, even under setarch -R"
        fi
    else
        echo "test.sh: warning: cannot build a TSan program: $(cat "$probe_dir/err")"
    fi
    rm -rf "$probe_dir"
    if step tsan-build configure_build build-tsan -DTHREADLENS_SANITIZE=thread; then
        step tsan-ctest "${tsan_prefix[@]}" ctest --test-dir build-tsan --output-on-failure \
            -j "$JOBS" --timeout 600 --no-tests=error -L 'runtime|loader'
    else
        skip tsan-ctest "build failed"
    fi
fi

if want clang; then
    if step clang-build configure_build build-clang -DCMAKE_C_COMPILER=clang; then
        step clang-ctest run_ctest build-clang -L 'runtime|fuzz'
    else
        skip clang-ctest "build failed"
    fi
fi

echo
echo "==== test.sh summary ($((SECONDS - t_all))s in all)"
printf '%s\n' "${summary[@]}"
echo "test.sh: $passed passed, $failed failed"
((failed == 0))
