#!/bin/sh
# run_demo.sh TL_DEMO TEST_REPORT WORKDIR [THREADLENS]
# Records the demo, then checks its report (test_report --demo) and, when the
# threadlens command is given, that `threadlens report` prints it.
set -eu
demo=$1 test_report=$2 dir=$3 cli=${4:-}
rm -rf "$dir"
mkdir -p "$dir"
THREADLENS_OUT="$dir/demo.json" "$demo" >"$dir/demo.out" 2>&1 || {
    echo "tl_demo failed:"; cat "$dir/demo.out"; exit 1; }
"$test_report" --demo "$dir/demo.json"
if [ -n "$cli" ]; then
    "$cli" report "$dir/demo.json" >"$dir/report.txt"
    "$cli" report --json "$dir/demo.json" >"$dir/report.json"
    for want in "findings: none" "account A" "ledger"; do
        grep -q "$want" "$dir/report.txt" || { echo "report lacks '$want':"; cat "$dir/report.txt"; exit 1; }
    done
    grep -q '"lock_order":' "$dir/report.json" || { echo "JSON report lacks lock_order"; exit 1; }
    cat "$dir/report.txt"
fi
rm -rf "$dir"
echo "demo report ok"
