#!/usr/bin/env bash
# The race detector's benchmark (issue 6, section 5). On demand, never in
# ctest: it measures, it does not assert (the target is printed, not
# enforced).
#   bash tests/bench/race_bench.sh [BUILD_DIR]   (default: build; 1-3 minutes)
# Builds two race-free programs three ways, in this run:
#   plain       $CC -O2 -pthread                      (CC defaults to cc)
#   TSan        gcc -O2 -fsanitize=thread              (libtsan)
#   threadlens  threadlens cc -O2                      (THREADLENS_CC=$CC)
# and runs them alternating, RUNS times each (default 5): race_compute (a
# stencil over shared arrays, a mutex every 64 rows, a barrier per pass)
# and race_locks (transfers between accounts under two mutexes, rwlock
# reads, a stats mutex: three lock pairs per few accesses). The threadlens
# build also runs with THREADLENS_FUNCS=0 (no call-stack slices) and
# THREADLENS_RACES=0 (tracing only, no race detection), which shows how
# much of its cost is the trace it writes and TSan does not.
# Prints medians of wall time, of CPU time (user+sys) and of the maximum
# resident set size, each with its ratio to plain, then threadlens' slowdown
# against TSan's (target: <= 1). A tiny wrapper (compiled here) takes all
# three from fork/wait4, so nothing else is needed. The traces go to a
# temporary directory and are deleted after each run (race_locks writes
# ~0.3 GB a run). Any race report on a finding-free program, from either
# tool, and any checksum that differs from plain are reported.
#   COMPUTE_ARGS (default "40 2": passes, threads), LOCKS_ARGS ("200000 2":
#   iterations per thread, threads), RUNS; other THREADLENS_* variables in
#   the environment apply to every threadlens run.
set -euo pipefail
build=${1:-build}
runs=${RUNS:-5}
compute_args=${COMPUTE_ARGS:-40 2}
locks_args=${LOCKS_ARGS:-200000 2}
cc=${CC:-cc}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tl=$build/bin/threadlens
[[ -x $tl ]] || { echo "race_bench: $tl missing: build first" >&2; exit 2; }
command -v gcc >/dev/null || { echo "race_bench: gcc (for -fsanitize=thread) not found" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure OUT PROG ARGS...: runs PROG; OUT gets "wall_s cpu_s maxrss_kb status".
cat >"$work/measure.c" <<'EOF'
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
    if (argc < 3) return 2;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    int st = 0;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &st, 0, &ru) != pid) return 2;
    clock_gettime(CLOCK_MONOTONIC, &b);
    FILE *f = fopen(argv[1], "w");
    if (!f) return 2;
    fprintf(f, "%.4f %.4f %ld %d\n", (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
            ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
                (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
            ru.ru_maxrss, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    return fclose(f) != 0;
}
EOF
"$cc" -O2 -o "$work/measure" "$work/measure.c"

progs=(race_compute race_locks)
declare -A args=([race_compute]="$compute_args" [race_locks]="$locks_args")
for p in "${progs[@]}"; do
    "$cc" -O2 -pthread -o "$work/$p.plain" "$here/$p.c"
    gcc -O2 -fsanitize=thread -o "$work/$p.tsan" "$here/$p.c"
    THREADLENS_CC=$cc "$tl" cc -O2 -o "$work/$p.tl" "$here/$p.c"
done

modes=(plain tsan tl tl_nofuncs tl_noraces)
declare -A label=(
    [plain]="plain ($cc -O2)"
    [tsan]="gcc -fsanitize=thread"
    [tl]="threadlens cc"
    [tl_nofuncs]="threadlens cc, FUNCS=0"
    [tl_noraces]="threadlens cc, RACES=0 (trace only)"
)
declare -A wall cpu rss notes
# one PROG MODE: a run, its numbers appended to the arrays.
one() {
    local p=$1 m=$2 bin envs=() w c r st
    case $m in
    plain) bin=$work/$p.plain ;;
    tsan) bin=$work/$p.tsan ;;
    tl) bin=$work/$p.tl ;;
    tl_nofuncs) bin=$work/$p.tl envs=(THREADLENS_FUNCS=0) ;;
    tl_noraces) bin=$work/$p.tl envs=(THREADLENS_RACES=0) ;;
    esac
    # shellcheck disable=SC2086 # args are words
    env "${envs[@]}" THREADLENS_OUT="$work/trace.json" \
        "$work/measure" "$work/m" "$bin" ${args[$p]} >"$work/out" 2>"$work/err"
    read -r w c r st <"$work/m"
    wall[$p.$m]+="$w " cpu[$p.$m]+="$c " rss[$p.$m]+="$r "
    [[ $st == 0 ]] || notes[$p.$m]+="exit status $st; "
    if grep -qE '^(WARNING|ERROR): (threadlens|ThreadSanitizer)' "$work/err"; then
        notes[$p.$m]+="reported a race on a race-free program; "
        cp "$work/err" "$work/$p.$m.banner.err"
    fi
    local d
    d=$(sed -n 's/^threadlens: .* events, \([0-9]*\) DROPPED.*/\1/p' "$work/err" | tail -n 1)
    [[ -n $d ]] && notes[$p.$m]+="$d events dropped; "
    if [[ $m == plain ]]; then
        cp "$work/out" "$work/$p.expected"
    elif ! cmp -s "$work/out" "$work/$p.expected"; then
        notes[$p.$m]+="output differs from plain: $(head -c 200 "$work/out"); "
    fi
    rm -f "$work/trace.json"
}

echo "race detection benchmark: $runs runs each, alternating, medians; $(nproc) cores;" \
    "$("$cc" --version | head -n 1)"
for ((i = 0; i < runs; i++)); do
    for p in "${progs[@]}"; do
        for m in "${modes[@]}"; do one "$p" "$m"; done
    done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
calc() { echo "$1" | bc -l; }
printf '\n%-14s %-36s %9s %7s %9s %7s %9s %7s\n' program build "wall s" "x" "cpu s" "x" "RSS MB" "x"
declare -A mw mc
for p in "${progs[@]}"; do
    pw=$(median <<<"${wall[$p.plain]}") pc=$(median <<<"${cpu[$p.plain]}")
    pr=$(median <<<"${rss[$p.plain]}")
    first=$p
    for m in "${modes[@]}"; do
        w=$(median <<<"${wall[$p.$m]}") c=$(median <<<"${cpu[$p.$m]}") r=$(median <<<"${rss[$p.$m]}")
        mw[$p.$m]=$w mc[$p.$m]=$c
        printf '%-14s %-36s %9.3f %6.1fx %9.3f %6.1fx %9.1f %6.1fx\n' "$first" "${label[$m]}" \
            "$w" "$(calc "$w / $pw")" "$c" "$(calc "$c / ($pc + 0.0005)")" \
            "$(calc "$r / 1024")" "$(calc "$r / $pr")"
        first=
    done
    echo "  (${p}: ${args[$p]})"
done

echo
for p in "${progs[@]}"; do
    rw=$(calc "${mw[$p.tl]} / ${mw[$p.tsan]}")
    rc=$(calc "${mc[$p.tl]} / ${mc[$p.tsan]}")
    verdict=MISS
    [[ $(calc "$rw <= 1") -eq 1 ]] && verdict=PASS
    printf '%-14s threadlens / TSan: wall %.2fx, cpu %.2fx  (target <= 1: %s)\n' "$p" "$rw" "$rc" "$verdict"
    printf '%-14s FUNCS=0 / FUNCS=1, wall: %.2fx; trace only (RACES=0) / threadlens, wall: %.2fx\n' "" \
        "$(calc "${mw[$p.tl_nofuncs]} / ${mw[$p.tl]}")" "$(calc "${mw[$p.tl_noraces]} / ${mw[$p.tl]}")"
done

for key in "${!notes[@]}"; do
    echo "NOTE: $key: ${notes[$key]}"
done
for f in "$work"/*.banner.err; do
    [[ -e $f ]] || continue
    echo "--- $(basename "$f" .banner.err): the first report ---"
    awk '/^(WARNING|ERROR): /{p=1} p&&/^=+$/{exit} p' "$f" | head -n 30
done
exit 0
