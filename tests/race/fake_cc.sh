#!/usr/bin/env bash
# fake_cc.sh — a stand-in compiler for race_test.sh's cc_* cases: appends
# its arguments to $FAKE_CC_LOG as one line ("<arg> <arg> ..."), creates
# the -o file, and succeeds. FAKE_CC_NO_TSAN=1: refuses -fsanitize=thread
# like a compiler without ThreadSanitizer. FAKE_CC_FAIL=FILE: fails to
# compile FILE, with an error message naming it.
line='' out='' prev=''
for a in "$@"; do
    line+="${line:+ }<$a>"
    [[ $prev == -o ]] && out=$a
    prev=$a
done
[[ -n ${FAKE_CC_LOG:-} ]] && echo "$line" >>"$FAKE_CC_LOG"
for a in "$@"; do
    if [[ $a == -fsanitize=thread && ${FAKE_CC_NO_TSAN:-0} == 1 ]]; then
        echo "fake_cc: error: unrecognized command-line option '-fsanitize=thread'" >&2
        exit 1
    fi
    if [[ -n ${FAKE_CC_FAIL:-} && $a == "$FAKE_CC_FAIL" ]]; then
        echo "fake_cc: $a: error: this file does not compile" >&2
        exit 1
    fi
done
[[ -n $out && $out != /dev/null ]] && : >"$out"
exit 0
