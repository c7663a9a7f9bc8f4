#!/usr/bin/env bash
# Sets up a fresh machine and runs the main demo:
#   installs what is missing (scripts/install-deps.sh), builds (build/),
#   runs build/bin/tl_demo with THREADLENS_OUT=build/demo.json, checks the
#   trace with build/bin/tracecheck, prints `threadlens report`, then opens
#   the viewer on it — or, with no display, renders build/demo.png.
# Idempotent: run it again any time.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/install-deps.sh
cmake -S . -B build
cmake --build build -j "${JOBS:-2}"

demo=build/bin/tl_demo
trace=$root/build/demo.json
if [[ ! -x $demo ]]; then
    echo "demo.sh: $demo was not built" >&2
    exit 1
fi
rm -f "$trace"
echo
echo "demo.sh: running $demo (THREADLENS_OUT=$trace)"
THREADLENS_OUT=$trace "$demo"
[[ -s $trace ]] || { echo "demo.sh: the demo wrote no trace at $trace" >&2; exit 1; }

if [[ -x build/bin/tracecheck ]]; then
    echo
    echo "demo.sh: checking the trace: build/bin/tracecheck $trace"
    build/bin/tracecheck "$trace"
else
    echo "demo.sh: warning: build/bin/tracecheck not built; trace not checked" >&2
fi

tl=build/bin/threadlens
echo
echo "demo.sh: $tl report $trace"
"$tl" report "$trace"

shot=$root/build/demo.png
"$tl" view "$trace" --screenshot "$shot"
echo
echo "The trace is $trace; a screenshot of it is $shot."
echo "Also open it in https://ui.perfetto.dev (\"Open trace file\"; it stays on your machine)."
if [[ -n ${DISPLAY:-}${WAYLAND_DISPLAY:-} && -z ${CI:-} ]]; then
    echo "demo.sh: opening the viewer ($tl view $trace); press ? for the keys, q to quit"
    "$tl" view "$trace"
else
    echo "No display here: run '$tl view $trace' on a desktop to explore it."
fi
