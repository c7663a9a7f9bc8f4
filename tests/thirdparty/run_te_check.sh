#!/usr/bin/env bash
# ctest driver for the third-party consumer check (label "thirdparty").
#   run_te_check.sh DEMO_EXE WORK_DIR [SCENARIOS_EXE SCENARIO...]
# Runs the demo program with THREADLENS_OUT=WORK_DIR/demo.json (and each named
# scenario of tl_scenarios into WORK_DIR/<scenario>.json), then loads every
# trace with the DevTools trace engine (te_check.mjs). Exits 77 (ctest SKIP)
# when node or tests/thirdparty/node_modules is missing, unless
# THREADLENS_REQUIRE_THIRDPARTY=1 (CI sets it): then that is a failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
demo=${1:?usage: run_te_check.sh DEMO_EXE WORK_DIR}
work=${2:?usage: run_te_check.sh DEMO_EXE WORK_DIR}

missing() {
    echo "thirdparty: $1 — run scripts/install-deps.sh to install it" >&2
    if [[ ${THREADLENS_REQUIRE_THIRDPARTY:-0} == 1 ]]; then
        echo "thirdparty: FAIL (THREADLENS_REQUIRE_THIRDPARTY=1)" >&2
        exit 1
    fi
    echo "thirdparty: SKIP" >&2
    exit 77
}
command -v node >/dev/null 2>&1 || missing "node is not installed"
[[ -f $here/node_modules/@paulirish/trace_engine/analyze-trace.mjs ]] ||
    missing "tests/thirdparty/node_modules (npm package @paulirish/trace_engine) is missing"
[[ -x $demo ]] || { echo "thirdparty: FAIL: demo program $demo is not built" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
trace=$work/demo.json
echo "thirdparty: running $demo with THREADLENS_OUT=$trace"
set +e
(cd "$work" && THREADLENS_OUT=$trace "$demo")
rc=$?
set -e
if [[ $rc -ne 0 ]]; then
    echo "thirdparty: FAIL: $demo exited with status $rc" >&2
    exit 1
fi
[[ -s $trace ]] || { echo "thirdparty: FAIL: $demo wrote no trace at $trace" >&2; exit 1; }
if [[ $# -gt 2 ]]; then
    scenarios=$3
    shift 3
    for name in "$@"; do
        THREADLENS_SUMMARY=0 THREADLENS_OUT=$work/$name.json "$scenarios" "$name" ||
            { echo "thirdparty: FAIL: scenario $name exited with status $?" >&2; exit 1; }
    done
fi
# The demo may write more traces next to the first (e.g. one per child
# process via %p); check every JSON file it left in the work dir.
mapfile -t traces < <(find "$work" -maxdepth 1 -name '*.json' -type f | sort)
exec node "$here/te_check.mjs" "${traces[@]}"
