#!/usr/bin/env bash
# Records the traces of the examples again: every run of every
# traces/<dir>/expected (or of the directories named), each checked as its
# test checks it (tests/traces/trace_test.sh) before it replaces
# traces/<dir>/<trace>. Needs a build (default: build/).
#
#   bash traces/record.sh [-B BUILD_DIR] [DIR...]
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build
if [[ ${1:-} == -B ]]; then
    build=$(cd "$2" && pwd) || exit 2
    shift 2
fi
bin=$build/bin
for tool in threadlens tracecheck expect_findings; do
    [[ -x $bin/$tool ]] || { echo "record.sh: no $bin/$tool: build first (cmake -B build && cmake --build build)" >&2; exit 2; }
done

dirs=("$@")
if ((${#dirs[@]} == 0)); then
    for e in "$root"/traces/*/expected; do dirs+=("$(basename "$(dirname "$e")")"); done
fi
failed=0
for d in "${dirs[@]}"; do
    src=$root/traces/$d
    [[ -r $src/expected ]] || { echo "record.sh: no traces/$d/expected" >&2; failed=$((failed + 1)); continue; }
    [[ -x $bin/tl_$d ]] || { echo "record.sh: no $bin/tl_$d" >&2; failed=$((failed + 1)); continue; }
    # expected on fd 3: the programs run below inherit stdin
    while read -r -u 3 key trace _; do
        [[ $key == run ]] || continue
        if bash "$root/tests/traces/trace_test.sh" --record "$src" "$trace" "$bin/tl_$d" \
            "$bin/threadlens" "$bin/tracecheck" "$bin/expect_findings" "$build/record/$d/$trace" \
            >"$build/record-$d-$trace.log" 2>&1 </dev/null; then
            echo "ok      traces/$d/$trace ($(stat -c %s "$src/$trace") bytes)"
        else
            echo "FAILED  traces/$d/$trace: see $build/record-$d-$trace.log"
            failed=$((failed + 1))
        fi
    done 3<"$src/expected"
done
((failed == 0)) || { echo "record.sh: $failed failed" >&2; exit 1; }
