#!/usr/bin/env bash
# tools/dev.sh -- set up a Debian machine, build, and run coroscope or its tests.
#
#   bash tools/dev.sh run [SCENARIO]   install what is missing, build, then open the
#                                      GUI on SCENARIO (default: the fork example);
#                                      with no display, export it headless to out/NAME/
#                                      in the checkout
#   bash tools/dev.sh test             install what is missing, build the normal and the
#                                      sanitizer (ASan + UBSan) builds, run every test
#   bash tools/dev.sh build            install what is missing and build only
set -euo pipefail
CALLER_DIR=$PWD             # where a relative SCENARIO path is read from
cd "$(dirname "$0")/.."

PACKAGES="gcc cmake ninja-build pkg-config python3 libcjson-dev libsdl2-dev
          libsdl2-ttf-dev libsdl2-image-dev libfontconfig-dev xvfb xauth xdotool x11-apps"

# Install the Debian packages that are not installed yet (needs root).
setup() {
    local missing=()
    for p in $PACKAGES; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

# Configure and build into $1 with extra CMake arguments.
build_dir() {
    local dir=$1; shift
    cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
    cmake --build "$dir"
}

cmd_run() {
    local scenario=${1:-scenarios/08-fork.json}
    if [ $# -gt 0 ]; then
        case $scenario in /*) ;; *) scenario=$CALLER_DIR/$scenario ;; esac
        if [ ! -r "$scenario" ]; then
            echo "dev.sh: cannot read the scenario $scenario" >&2
            exit 2
        fi
    fi
    build_dir build -DCMAKE_BUILD_TYPE=Release
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x build/ui/coroscope ]; then
        exec build/ui/coroscope "$scenario"
    fi
    local name out frames
    build/corosim validate "$scenario"
    name=$(basename "$scenario" .json)
    out=out/$name
    mkdir -p "$out"
    build/corosim run "$scenario" --outcome "$out/outcome.json" --trace "$out/trace.jsonl"
    if [ -x build/ui/coroscope ]; then
        frames=$(wc -l < "$out/trace.jsonl")   # one frame per event; at most ~1,000 PNGs
        build/ui/coroscope render "$scenario" --all --every $((frames / 1000 + 1)) --out "$out/frames/"
    fi
    echo "no display: exported $scenario to $PWD/$out/ (outcome.json, trace.jsonl, frames/)"
}

cmd_test() {
    build_dir build -DCMAKE_BUILD_TYPE=Release
    build_dir build-asan -DCMAKE_BUILD_TYPE=Debug -DCOROSCOPE_SANITIZE=ON
    local rc=0
    echo "== tests (release build)"
    (cd build && ctest --output-on-failure -j2) || rc=1
    echo "== tests (AddressSanitizer + UndefinedBehaviorSanitizer build)"
    (cd build-asan && ctest --output-on-failure -j2) || rc=1
    return $rc
}

case "${1:-}" in
    run) setup; shift; cmd_run "$@" ;;
    test) setup; cmd_test ;;
    build) setup; build_dir build -DCMAKE_BUILD_TYPE=Release ;;
    *) sed -n '2,10p' "$0"; exit 2 ;;
esac
