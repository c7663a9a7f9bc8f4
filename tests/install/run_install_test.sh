#!/usr/bin/env bash
# ctest driver for the install/consumer test (label "install").
#
# Installs the current build tree into a scratch prefix, then builds and runs a
# tiny consumer (consumer/consumer.c) against the *installed* tree, twice:
#   1. a CMake project using find_package(threadlens) (CMAKE_PREFIX_PATH),
#      linked once with threadlens::threadlens and once with ..._static;
#   2. plain cc with `pkg-config --cflags --libs threadlens` (PKG_CONFIG_PATH),
#      in strict -std=c11 -pedantic with _POSIX_C_SOURCE=200809L.
# Each consumer runs with THREADLENS_OUT in a scratch dir; its trace must exist
# and start with "[". The shared consumers must load libthreadlens.so from
# the prefix (checked with ldd). Any error fails the test, loudly.
#
# Settings come from the environment (tests/install/CMakeLists.txt sets them):
#   TL_BUILD_DIR  the build tree to install      TL_WORK_DIR  scratch dir (wiped)
#   TL_CMAKE      cmake to use                   TL_CC        C compiler
#   TL_GENERATOR  CMake generator                TL_LIBDIR    CMAKE_INSTALL_LIBDIR
#   TL_VERSION    expected package version       TL_EXTRA_CFLAGS  e.g. sanitizer flags
set -euo pipefail
trap 'echo "install test: FAILED at line $LINENO: $BASH_COMMAND (status $?)" >&2' ERR

here=$(cd "$(dirname "$0")" && pwd)
: "${TL_BUILD_DIR:?}" "${TL_WORK_DIR:?}" "${TL_CMAKE:=cmake}" "${TL_CC:=cc}"
: "${TL_GENERATOR:=Unix Makefiles}" "${TL_LIBDIR:=lib}" "${TL_VERSION:=}" "${TL_EXTRA_CFLAGS:=}"
unset THREADLENS_OUT

step() { echo; echo "== install test: $*"; }
die() { echo "install test: FAIL: $*" >&2; exit 1; }

work=$TL_WORK_DIR
prefix=$work/prefix
libdir=$prefix/$TL_LIBDIR
rm -rf "$work"
mkdir -p "$work"

step "cmake --install $TL_BUILD_DIR --prefix $prefix"
"$TL_CMAKE" --install "$TL_BUILD_DIR" --prefix "$prefix"

step "installed files"
for f in include/threadlens.h \
         "$TL_LIBDIR/libthreadlens.so" "$TL_LIBDIR/libthreadlens.a" \
         "$TL_LIBDIR/pkgconfig/threadlens.pc" \
         "$TL_LIBDIR/cmake/threadlens/threadlensConfig.cmake" \
         "$TL_LIBDIR/cmake/threadlens/threadlensConfigVersion.cmake" \
         "$TL_LIBDIR/cmake/threadlens/threadlensTargets.cmake"; do
    [[ -e $prefix/$f ]] || die "not installed: $f"
    echo "  $f"
done
sonames=("$libdir"/libthreadlens.so.*)
[[ -e ${sonames[0]} ]] || die "no versioned libthreadlens.so.* installed"
printf '  %s\n' "${sonames[@]#"$prefix/"}"

# run_consumer NAME EXE [shared|static]: runs EXE with a scratch THREADLENS_OUT
# and checks the trace it leaves.
run_consumer() {
    local name=$1 exe=$2 kind=$3 out=$work/run-$1
    mkdir -p "$out"
    local lddout
    lddout=$(LD_LIBRARY_PATH=$libdir ldd "$exe")
    local resolved
    resolved=$(awk '/libthreadlens\.so/ {print $3}' <<<"$lddout")
    if [[ $kind == shared ]]; then
        [[ -n $resolved ]] || die "$name: not linked against libthreadlens.so:"$'\n'"$lddout"
        [[ $(realpath "$resolved") == $(realpath "$libdir")/* ]] ||
            die "$name: loads $resolved, not the installed library in $libdir"
        echo "  $name loads $resolved"
    else
        [[ -z $resolved ]] || die "$name: static consumer depends on $resolved"
    fi
    echo "  running $name with THREADLENS_OUT=$out/trace.json"
    (cd "$out" && LD_LIBRARY_PATH=$libdir THREADLENS_OUT=$out/trace.json "$exe") ||
        die "$name exited with status $?"
    [[ -s $out/trace.json ]] || die "$name wrote no trace at $out/trace.json"
    [[ $(head -c 1 "$out/trace.json") == "[" ]] ||
        die "$name: trace does not start with '[': $(head -c 80 "$out/trace.json")"
    echo "  $name: trace ok ($(wc -c <"$out/trace.json") bytes)"
}

step "consumer with find_package(threadlens)"
"$TL_CMAKE" -S "$here/consumer" -B "$work/cmake-consumer" -G "$TL_GENERATOR" \
    -DCMAKE_C_COMPILER="$TL_CC" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS="$TL_EXTRA_CFLAGS" \
    -DCMAKE_EXE_LINKER_FLAGS="$TL_EXTRA_CFLAGS" \
    -DCMAKE_PREFIX_PATH="$prefix" -DEXPECT_PREFIX="$prefix" \
    -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON
"$TL_CMAKE" --build "$work/cmake-consumer"
run_consumer cmake-shared "$work/cmake-consumer/consumer_shared" shared
run_consumer cmake-static "$work/cmake-consumer/consumer_static" static

step "consumer with pkg-config"
export PKG_CONFIG_PATH=$libdir/pkgconfig
pkg-config --exists --print-errors threadlens || die "pkg-config does not find threadlens"
pcver=$(pkg-config --modversion threadlens)
echo "  pkg-config threadlens: version $pcver"
[[ -z $TL_VERSION || $pcver == "$TL_VERSION" ]] || die "pkg-config version $pcver, expected $TL_VERSION"
pcflags=$(pkg-config --cflags --libs threadlens)
echo "  pkg-config --cflags --libs threadlens: $pcflags"
pcinc=$(pkg-config --variable=includedir threadlens)
[[ $(realpath "$pcinc") == $(realpath "$prefix/include") ]] ||
    die "pkg-config includedir $pcinc is not $prefix/include"
# Strict ISO C11 (+ POSIX, which the header's pthread types need) here, while
# the CMake consumer uses the compiler's default GNU dialect.
# shellcheck disable=SC2086 # word splitting of the flags is intended
"$TL_CC" $TL_EXTRA_CFLAGS -std=c11 -pedantic -D_POSIX_C_SOURCE=200809L \
    -Wall -Wextra -Werror -o "$work/consumer_pc" \
    "$here/consumer/consumer.c" $pcflags
run_consumer pkg-config "$work/consumer_pc" shared

echo
echo "install test: PASS (find_package shared+static, pkg-config)"
