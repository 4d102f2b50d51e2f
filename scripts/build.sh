#!/usr/bin/env bash
# build.sh -- install dependencies, configure (Release) and build tesa into build/.
# TESA_BUILD_DIR overrides the build directory, TESA_PDK_DIR the Liberty directory.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TESA_BUILD_DIR:-$root/build}"

bash "$root/scripts/setup.sh"
cmake_args=(-S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release)
[ -n "${TESA_PDK_DIR:-}" ] && cmake_args+=("-DTESA_PDK_DIR=$TESA_PDK_DIR")
mkdir -p "$build"
cmake "${cmake_args[@]}" > "$build/configure.log" 2>&1 || { cat "$build/configure.log"; exit 1; }
cmake --build "$build" -j "$(nproc)"
# The data sets (MNIST, CIFAR-10) into the cache outside git; quick when present and verified.
bash "$root/scripts/data.sh" "$build/tesa"
