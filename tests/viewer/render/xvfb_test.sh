#!/bin/sh
# xvfb_test.sh — opens the viewer in a real window on a private Xvfb display,
# injects input with xdotool (wheel zoom, drag, click on a slice, q) and checks
# the effect in the view state the window writes (THREADLENS_VIEW_STATE).
# With a trace with findings (REPLAY.json), a second window: n puts the
# playhead on the first finding, Right on the next step.
#
# usage: xvfb_test.sh VIEW_DRIVER FIXTURE.json WORKDIR [REPLAY.json]
set -u
DRIVER=$1 FIXTURE=$2 WORK=$3 REPLAY=${4:-}

fail() { echo "FAIL: $*" >&2; exit 1; }
command -v Xvfb >/dev/null 2>&1 || fail "Xvfb is not installed (Debian/Ubuntu: apt-get install xvfb)"
command -v xdotool >/dev/null 2>&1 || fail "xdotool is not installed (Debian/Ubuntu: apt-get install xdotool)"

mkdir -p "$WORK" || fail "cannot create $WORK"
STATE=$WORK/view.state
rm -f "$STATE" "$STATE.tmp"

# A display number nobody uses: no lock file and no socket.
D=""
for n in $(seq 91 140); do
    if [ ! -e /tmp/.X$n-lock ] && [ ! -e /tmp/.X11-unix/X$n ]; then D=$n; break; fi
done
[ -n "$D" ] || fail "no free X display number in :91..:140"
Xvfb ":$D" -screen 0 1280x800x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XPID=$!
VPID=""
cleanup() {
    [ -n "$VPID" ] && kill "$VPID" 2>/dev/null
    kill "$XPID" 2>/dev/null
    wait "$XPID" 2>/dev/null
}
trap cleanup EXIT
export DISPLAY=":$D"
i=0
until xdotool getdisplaygeometry >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -gt 100 ] && fail "Xvfb :$D did not start: $(cat "$WORK/xvfb.log")"
    sleep 0.1
done

THREADLENS_VIEW_STATE=$STATE "$DRIVER" view "$FIXTURE" --size 1200x700 >"$WORK/view.out" 2>"$WORK/view.err" &
VPID=$!

# The window writes its state once it has drawn its first frame.
i=0
until [ -s "$STATE" ]; do
    i=$((i + 1)); [ $i -gt 150 ] && fail "no view state after 15 s; viewer stderr: $(cat "$WORK/view.err")"
    kill -0 "$VPID" 2>/dev/null || fail "the viewer exited early; stderr: $(cat "$WORK/view.err")"
    sleep 0.1
done
WID=$(xdotool search --sync --name '^threadlens - ' | head -n 1)
[ -n "$WID" ] || fail "no threadlens window"

get() { sed -n "s/^$1=//p" "$STATE"; }
# wait_for EXPR: until the shell expression (over the state) is true, 5 s
wait_for() {
    i=0
    while :; do
        S0=$(get start_ns) E0=$(get end_ns) SEL=$(get selected) NAME=$(get selected_name) LANE=$(get selected_lane)
        if eval "$1"; then return 0; fi
        i=$((i + 1)); [ $i -gt 50 ] && return 1
        sleep 0.1
    done
}

START=$(get start_ns) END=$(get end_ns)
SPAN=$((END - START))
echo "initial range: $START .. $END ns"

# 1. wheel up three notches at x=700: zooms in around the cursor
xdotool mousemove --window "$WID" 700 200
xdotool click --repeat 3 --delay 50 4
wait_for '[ $((E0 - S0)) -lt $((SPAN * 6 / 10)) ]' ||
    fail "wheel zoom: range $S0..$E0 did not shrink from $SPAN ns"
Z0=$S0 Z1=$E0 ZSPAN=$((E0 - S0))
echo "after zoom: $Z0 .. $Z1 ns"
[ "$Z0" -gt "$START" ] && [ "$Z1" -lt "$END" ] || fail "zoom not inside the old range: $Z0..$Z1"

# 2. drag right by 200 px: the view pans to earlier times, same span
xdotool mousemove --window "$WID" 800 300 mousedown 1
for x in 820 860 900 940 980 1000; do xdotool mousemove --window "$WID" $x 300; sleep 0.05; done
xdotool mouseup 1
wait_for '[ "$S0" -lt "$Z0" ] && [ $((E0 - S0)) -eq "$ZSPAN" ]' ||
    fail "drag: range $S0..$E0 did not move left of $Z0..$Z1 keeping its span"
echo "after drag: $S0 .. $E0 ns"

# 3. fit everything (F), then click in the middle of alpha's 'waiting for m'
xdotool key f
wait_for '[ "$S0" -le 0 ]' || fail "F did not fit the trace: $S0..$E0"
XY=$("$DRIVER" locate "$FIXTURE" "$STATE" alpha 0 200) || fail "locate failed"
set -- $XY
echo "clicking alpha 'waiting for m' at $1,$2"
xdotool mousemove --window "$WID" "$1" "$2" click 1
wait_for '[ "$SEL" = slice ] && [ "$NAME" = "waiting for m" ] && [ "$LANE" = alpha ]' ||
    fail "click: selected '$SEL' '$NAME' on '$LANE', want slice 'waiting for m' on alpha"

# 4. the lock hold under the same time on lane m: holder beta
XY=$("$DRIVER" locate "$FIXTURE" "$STATE" m 0 200) || fail "locate failed"
set -- $XY
xdotool mousemove --window "$WID" "$1" "$2" click 1
wait_for '[ "$SEL" = slice ] && [ "$NAME" = m ] && [ "$LANE" = m ]' ||
    fail "click on the lock lane: selected '$SEL' '$NAME' on '$LANE'"

# 5. q quits with status 0
xdotool key q
i=0
while kill -0 "$VPID" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 50 ] && fail "q did not close the viewer"
    sleep 0.1
done
wait "$VPID"; RC=$?
VPID=""
[ "$RC" -eq 0 ] || fail "viewer exit status $RC; stderr: $(cat "$WORK/view.err")"
echo "xvfb test: zoom, drag, fit, click and quit all worked"
[ -n "$REPLAY" ] || exit 0

# 6. the replay: n, then Right, in a window on a trace with findings
WANT=$("$DRIVER" replay "$REPLAY") || fail "view_driver replay failed"
set -- $WANT
F_NS=$1 S_NS=$2
rm -f "$STATE" "$STATE.tmp"
THREADLENS_VIEW_STATE=$STATE "$DRIVER" view "$REPLAY" --size 1200x700 >"$WORK/view2.out" 2>"$WORK/view2.err" &
VPID=$!
i=0
until [ -s "$STATE" ]; do
    i=$((i + 1)); [ $i -gt 150 ] && fail "replay window: no view state after 15 s: $(cat "$WORK/view2.err")"
    kill -0 "$VPID" 2>/dev/null || fail "replay window exited early: $(cat "$WORK/view2.err")"
    sleep 0.1
done
WID=$(xdotool search --sync --pid "$VPID" --name '^threadlens - ' | head -n 1)
[ -n "$WID" ] || fail "no replay window"
[ "$(get playhead_ns)" = -1 ] || fail "a playhead before any key: $(get playhead_ns)"
# no window manager: the keyboard goes to the window under the pointer
xdotool mousemove --window "$WID" 600 300
# until: the shell expression holds for the state file, 5 s
until_state() {
    i=0
    while :; do
        P=$(get playhead_ns) FIND=$(get finding)
        if eval "$1"; then return 0; fi
        i=$((i + 1)); [ $i -gt 50 ] && return 1
        sleep 0.1
    done
}
xdotool key n
until_state '[ "$P" = "$F_NS" ] && [ "$FIND" = 1 ]' ||
    fail "n: playhead_ns=$P finding=$FIND, want $F_NS and finding 1"
echo "after n: playhead at $P ns (finding 1)"
xdotool key Right
until_state '[ "$P" = "$S_NS" ]' || fail "Right after n: playhead_ns=$P, want $S_NS"
echo "after Right: playhead at $P ns"
# Space plays: the playhead moves on by itself, until Space again
xdotool key space
until_state '[ "$(get playing)" = 1 ] && [ "$P" -gt "$S_NS" ]' ||
    fail "Space: playing=$(get playing) playhead_ns=$P, want it playing past $S_NS"
xdotool key space
until_state '[ "$(get playing)" = 0 ]' || fail "Space again did not pause"
echo "Space played to $P ns and paused"
xdotool key q
i=0
while kill -0 "$VPID" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 50 ] && fail "q did not close the replay window"
    sleep 0.1
done
wait "$VPID"; RC=$?
VPID=""
[ "$RC" -eq 0 ] || fail "replay window exit status $RC; stderr: $(cat "$WORK/view2.err")"
echo "xvfb test: n and Right moved the playhead"
