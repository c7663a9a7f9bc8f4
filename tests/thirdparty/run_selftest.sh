#!/usr/bin/env bash
# ctest self-test of te_check.mjs (label "thirdparty"): the fixtures named
# ok-*.json must pass, bad-*.json must each fail. bad-interleaved-threads.json
# records an engine limit: its B/E stack is one for all threads, in file
# order, so B/E slices of two threads that interleave in the file mismatch
# even when each thread nests properly (X slices do not have the problem).
# Skips (77) like run_te_check.sh when node or node_modules is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1 ||
    [[ ! -f $here/node_modules/@paulirish/trace_engine/analyze-trace.mjs ]]; then
    echo "te_check self-test: node or tests/thirdparty/node_modules missing — run scripts/install-deps.sh" >&2
    [[ ${THREADLENS_REQUIRE_THIRDPARTY:-0} == 1 ]] && exit 1
    exit 77
fi
fail=0
for f in "$here"/fixtures/ok-*.json; do
    node "$here/te_check.mjs" "$f" || { echo "SELFTEST FAIL: $f should load cleanly" >&2; fail=1; }
done
for f in "$here"/fixtures/bad-*.json; do
    if node "$here/te_check.mjs" "$f"; then
        echo "SELFTEST FAIL: $f should be rejected" >&2
        fail=1
    fi
done
[[ $fail == 0 ]] && echo "te_check self-test: ok"
exit "$fail"
