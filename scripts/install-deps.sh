#!/usr/bin/env bash
# Installs what threadlens needs and is missing, and nothing else:
#   - the Debian packages listed in scripts/debian-packages.txt
#     (apt-get update + apt-get install -y, only when one is missing; sudo
#     when not root);
#   - the npm packages of the third-party consumer test
#     (npm ci in tests/thirdparty, only when node_modules is missing; a
#     failure, e.g. offline, is a warning: that test is then skipped).
# Idempotent: on a machine that has everything it only checks.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { echo "install-deps: $*"; }
warn() { echo "install-deps: warning: $*" >&2; }

# pkg_present NAME: the package is installed (or, for nodejs/npm, its
# command exists: NodeSource's nodejs bundles npm and conflicts with Debian's).
pkg_present() {
    case $1 in
        nodejs) command -v node >/dev/null 2>&1 && return 0 ;;
        npm) command -v npm >/dev/null 2>&1 && return 0 ;;
    esac
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

missing=()
while IFS= read -r line || [[ -n $line ]]; do
    pkg=${line%%#*}
    pkg=${pkg//[[:space:]]/}
    [[ -n $pkg ]] || continue
    pkg_present "$pkg" || missing+=("$pkg")
done <"$root/scripts/debian-packages.txt"

if ((${#missing[@]})); then
    say "missing Debian packages: ${missing[*]}"
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "install-deps: no apt-get here: install ${missing[*]} by hand" >&2
        exit 1
    fi
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || {
            echo "install-deps: not root and no sudo: as root, run apt-get install -y ${missing[*]}" >&2
            exit 1
        }
        sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
else
    say "Debian packages: all present"
fi

tp=$root/tests/thirdparty
if [[ -f $tp/node_modules/@paulirish/trace_engine/analyze-trace.mjs ]]; then
    say "tests/thirdparty/node_modules: present"
elif ! command -v npm >/dev/null 2>&1; then
    warn "npm not found: the third-party trace-engine test will be skipped"
else
    say "npm ci in tests/thirdparty"
    if ! (cd "$tp" && timeout 600 npm ci --no-audit --no-fund --loglevel=error); then
        warn "npm ci failed (offline?): the third-party trace-engine test will be skipped"
    fi
fi
