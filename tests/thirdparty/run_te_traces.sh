#!/usr/bin/env bash
# ctest driver (label "thirdparty"): every recorded trace of traces/ —
# the seeds' examples a student opens in ui.perfetto.dev — loads in the
# DevTools trace engine (te_check.mjs).
#   run_te_traces.sh TRACES_DIR
# Skips (77) without node or node_modules, as run_te_check.sh does, unless
# THREADLENS_REQUIRE_THIRDPARTY=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:?usage: run_te_traces.sh TRACES_DIR}
missing() {
    echo "thirdparty: $1 — run scripts/install-deps.sh to install it" >&2
    [[ ${THREADLENS_REQUIRE_THIRDPARTY:-0} == 1 ]] && { echo "thirdparty: FAIL (THREADLENS_REQUIRE_THIRDPARTY=1)" >&2; exit 1; }
    echo "thirdparty: SKIP" >&2
    exit 77
}
command -v node >/dev/null 2>&1 || missing "node is not installed"
[[ -f $here/node_modules/@paulirish/trace_engine/analyze-trace.mjs ]] ||
    missing "tests/thirdparty/node_modules (npm package @paulirish/trace_engine) is missing"
mapfile -t traces < <(find "$dir" -mindepth 2 -maxdepth 2 -name 'trace*.json' -type f | sort)
((${#traces[@]} > 0)) || { echo "thirdparty: FAIL: no recorded traces under $dir" >&2; exit 1; }
exec node "$here/te_check.mjs" "${traces[@]}"
