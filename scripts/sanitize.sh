#!/usr/bin/env bash
# sanitize.sh [ctest args] -- the whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer.
#
# Configures build-asan/ (TESA_ASAN_BUILD_DIR overrides it) with -DTESA_SANITIZE=ON (GCC,
# -fsanitize=address,undefined, no recovery: the first report fails the test), builds everything
# the tests need and runs ctest there. The Verilated timed models are compiled by Verilator's own
# make and are not instrumented; every line of tesa is. Leak checking is on for the tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TESA_ASAN_BUILD_DIR:-$root/build-asan}"

bash "$root/scripts/setup.sh"
# -O1 with line tables: the sanitizers' usual setting, and a build that fits CI (the hot libraries
# keep their own -O3); asserts stay on.
cmake_args=(-S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1"
            "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g1" -DTESA_SANITIZE=ON)
[ -n "${TESA_PDK_DIR:-}" ] && cmake_args+=("-DTESA_PDK_DIR=$TESA_PDK_DIR")
mkdir -p "$build"
start=$(date +%s)
cmake "${cmake_args[@]}" > "$build/configure.log" 2>&1 || { cat "$build/configure.log"; exit 1; }
# The build runs tesa-core (instrumented) to generate the timed models.
ASAN_OPTIONS=detect_leaks=0 cmake --build "$build" -j "$(nproc)"
echo "sanitize: built in $(( $(date +%s) - start )) s"
bash "$root/scripts/data.sh" "$build/tesa"
# No detect_stack_use_after_return: its fake stacks do not follow SystemC's coroutine switches.
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
start=$(date +%s)
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
echo "sanitize: ctest under ASan+UBSan in $(( $(date +%s) - start )) s"
