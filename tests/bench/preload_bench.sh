#!/usr/bin/env bash
# The benchmark of `threadlens run` (issue 4, section 6). On demand, never
# in ctest: it measures, it does not assert.
#   bash tests/bench/preload_bench.sh [BUILD_DIR]   (default: build)
# 1. an uncontended lock/unlock pair in an unmodified program, plain vs
#    under the preload (target <= 2x);
# 2. wall time of pigz -p 2 and zstd -T2 compressing 100 MB, plain vs
#    `threadlens run` (target <= 5% more).
# Plain and traced runs alternate, and each figure is the median of RUNS
# runs measured in this same invocation, so the ratios compare like with
# like on a noisy machine. Use a Release build for meaningful numbers.
set -euo pipefail
build=${1:-build}
runs=${RUNS:-5}
tl=$build/bin/threadlens
pair=$build/bin/tl_lockpair
gen=$build/bin/gen_text
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in "$tl" "$pair" "$gen"; do
    [[ -x $f ]] || { echo "preload_bench: $f missing: build first" >&2; exit 2; }
done

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }

echo "threadlens run benchmark ($runs runs each, medians; $(nproc) cores)"
plain=() traced=()
for ((i = 0; i < runs; i++)); do
    plain+=("$("$pair")")
    traced+=("$(THREADLENS_SUMMARY=0 "$tl" run -o "$work/pair.json" -- "$pair" 2>/dev/null)")
done
p=$(printf '%s\n' "${plain[@]}" | median)
t=$(printf '%s\n' "${traced[@]}" | median)
printf '%-44s %8s ns  %8s ns  %5.2fx  (target <= 2x)\n' "uncontended lock+unlock pair" "$p" "$t" \
    "$(echo "$t / $p" | bc -l)"

"$gen" 100000000 >"$work/input.txt"
for tool in "pigz -p 2" "zstd -q -T2"; do
    read -r -a cmd <<<"$tool -c $work/input.txt"
    command -v "${cmd[0]}" >/dev/null || { echo "${cmd[0]}: not installed, skipped"; continue; }
    plain=() traced=()
    for ((i = 0; i < runs; i++)); do
        plain+=("$(ms "${cmd[@]}")")
        traced+=("$(ms env THREADLENS_SUMMARY=0 "$tl" run -o "$work/t.json" -- "${cmd[@]}")")
    done
    p=$(printf '%s\n' "${plain[@]}" | median)
    t=$(printf '%s\n' "${traced[@]}" | median)
    printf '%-44s %8s ms  %8s ms  %+5.1f%%  (target <= +5%%)\n' "$tool, 100 MB, wall time" "$p" "$t" \
        "$(echo "($t - $p) * 100 / $p" | bc -l)"
done
