#!/usr/bin/env bash
# Sets up a fresh machine and runs the main demo:
#   installs what is missing (scripts/install-deps.sh), builds (build/), then
#   runs three of the seeds' examples from traces/ — a data race (the lost
#   update), a deadlock (the dining philosophers) and a pool at work (four
#   tasks on two workers) — each with THREADLENS_OUT=build/demo/<name>.json,
#   shows what threadlens found, renders a screenshot of each to
#   build/demo/<name>.png, and opens the viewer on the race — or, with no
#   display, says where the screenshots are.
# Idempotent: run it again any time.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/install-deps.sh
cmake -S . -B build
cmake --build build -j "${JOBS:-2}"

tl=build/bin/threadlens
out=build/demo
mkdir -p "$out"
for p in "$tl" build/bin/tl_lost_update build/bin/tl_philosophers build/bin/tl_pool_map; do
    [[ -x $p ]] || { echo "demo.sh: $p was not built" >&2; exit 1; }
done

# example NAME TITLE PROG [ARGS...]: runs PROG with its trace in
# build/demo/NAME.json; its output and threadlens' reports pass through.
example() {
    local name=$1 title=$2 prog=$3 rc=0
    shift 3
    echo
    echo "==== demo.sh: $title"
    echo "==== THREADLENS_OUT=$out/$name.json $prog $*"
    rm -f "$out/$name.json"
    # The examples' own settings, not the caller's (THREADLENS_ON_DEADLOCK=wait
    # would keep the philosophers waiting); the bound is for a bug of ours.
    # shellcheck disable=SC2046 # one -u per variable
    env -u LD_PRELOAD $(compgen -e | grep '^THREADLENS_' | sed 's/^/-u /') \
        THREADLENS_OUT="$out/$name.json" timeout -k 5 60 "$prog" "$@" || rc=$?
    [[ -s $out/$name.json ]] || { echo "demo.sh: $prog wrote no trace" >&2; exit 1; }
    echo "==== $prog exited with status $rc; the trace is $out/$name.json"
}

example race "a data race: the seeds' FakeDatabase loses an update (traces/lost_update)" \
    build/bin/tl_lost_update
example deadlock "a deadlock: five philosophers each hold one fork (traces/philosophers)" \
    build/bin/tl_philosophers
example pool "a pool at work: four tasks on two workers (traces/pool_map)" \
    build/bin/tl_pool_map 2 4

echo
echo "==== demo.sh: $tl report $out/pool.json (the pool's scheduling)"
"$tl" report "$out/pool.json" | sed -n '/^pools/,/^findings/p'

# Each screenshot shows what its example is about: the race's two accesses
# and the thread's earlier read, the deadlock's wait-for cycle, the pool's
# workers with the queue and busy counters.
shots=(
    "race.png race.json --finding 1"
    "deadlock.png deadlock.json --finding 2"
    "deadlock-locks.png deadlock.json --view locks --finding 2"
    "pool.png pool.json --view pool"
)
echo
for s in "${shots[@]}"; do
    read -r png trace args <<<"$s"
    # shellcheck disable=SC2086 # args are words
    "$tl" view "$out/$trace" --screenshot "$out/$png" $args
done

echo
echo "Screenshots:"
echo "  $root/$out/race.png            the lost update: both threads read 0, both write 1"
echo "  $root/$out/deadlock.png        the philosophers' wait-for cycle, at the deadlock"
echo "  $root/$out/deadlock-locks.png  the lock graph: five forks in a cycle"
echo "  $root/$out/pool.png            the pool: which worker ran which task, how long each waited"
echo "Every trace also opens in https://ui.perfetto.dev (\"Open trace file\"; it stays on your machine)."
echo "All the seeds' examples, with their recorded traces: traces/README.md"
if [[ -n ${DISPLAY:-}${WAYLAND_DISPLAY:-} && -z ${CI:-} ]]; then
    echo "demo.sh: opening the viewer on the race ($tl view $out/race.json --finding 1);"
    echo "         press n for the next finding, Left/Right to step, ? for the keys, q to quit"
    "$tl" view "$out/race.json" --finding 1
else
    echo "No display here: open the screenshots above, or run '$tl view $out/race.json' on a desktop."
fi
