#!/usr/bin/env bash
# Traces a real multi-threaded program no one here wrote (issue 4, section 5):
#   realworld.sh THREADLENS TRACECHECK GEN_TEXT WORKDIR pigz|zstd
# Compresses 20 MB of generated text untraced and under `threadlens run`;
# the outputs must be identical, the trace must pass the checker and show
# the program's worker threads, lock holds and condition waits.
set -euo pipefail
tl=$1 check=$2 gen=$3 dir=$4 tool=$5
case $tool in
    pigz) cmd=(pigz -p 2 -c) ;;
    zstd) cmd=(zstd -q -T2 -c) ;;
    *) echo "realworld.sh: unknown tool $tool" >&2; exit 2 ;;
esac
if ! command -v "$tool" >/dev/null; then
    echo "realworld.sh: $tool is not installed (apt-get install $tool); skipping"
    exit 77
fi
mkdir -p "$dir"
cd "$dir"
[[ -s input.txt ]] || "$gen" 20000000 >input.txt

"${cmd[@]}" input.txt >plain.out
"$tl" run -o "$tool.json" -- "${cmd[@]}" input.txt >traced.out 2>stderr.txt
cat stderr.txt
fail() { echo "FAIL: $*" >&2; exit 1; }
cmp plain.out traced.out || fail "$tool's output changed under threadlens run"
grep -q "^threadlens: .* -> .*$tool.json" stderr.txt || fail "no runtime summary on stderr"
"$check" "$tool.json" || fail "the trace does not pass the checker"

threads=$(grep -c '"name":"thread_name"' "$tool.json")
holds=$(grep -c '"ph":"b",.*"cat":"lock"' "$tool.json")
waits=$(grep -c '"cat":"state","name":"waiting on ' "$tool.json")
echo "$tool: $threads threads, $holds lock holds, $waits condition waits"
((threads >= 3)) || fail "expected main and at least 2 workers, got $threads threads"
((holds >= 10)) || fail "expected lock holds, got $holds"
((waits >= 1)) || fail "expected condition waits, got $waits"
# Every recorded call site is symbolized: module+offset at least, never a
# bare address.
if grep -o '"at":"0x[0-9a-f]*"' "$tool.json" | head -3 | grep -q .; then
    fail "unsymbolized call sites in the trace"
fi
# The DevTools trace engine (what Perfetto's legacy JSON path mirrors) loads
# it too, when tests/thirdparty has its npm package.
te=$(cd "$(dirname "$0")/../thirdparty" && pwd)
if command -v node >/dev/null && [[ -d $te/node_modules/@paulirish/trace_engine ]]; then
    node "$te/te_check.mjs" "$tool.json" || fail "the DevTools trace engine rejects the trace"
fi
echo "$tool: ok"
