#!/usr/bin/env bash
# fuzz.sh [SECONDS] [TARGET...] -- fuzz tesa's readers with libFuzzer for a bounded time.
#
# Builds the fuzz targets of tests/fuzz/ with clang-14 (-fsanitize=fuzzer,address,undefined) into
# build-fuzz/ (TESA_FUZZ_BUILD_DIR overrides it), seeds each target's working corpus
# (build-fuzz/corpus/<target>/) from the committed corpus tests/fuzz/corpus/<target>/ and from real
# files (the Nangate45 Liberty, the synthesized netlists and their SDF, configs/), then runs every
# target (or those named) for SECONDS each (default 60). It prints the executions of every target
# and fails if any target crashed, hung, leaked or tripped a sanitizer; the input that did is kept
# under build-fuzz/artifacts/ (add it to tests/fuzz/corpus/<target>/ once the reader is fixed, so
# it stays a regression test). TESA_FUZZ_SEED sets libFuzzer's seed (default 1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TESA_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${1:-60}"
seed="${TESA_FUZZ_SEED:-1}"  # libFuzzer's mutation seed: the same inputs in the same order on every run
shift || true
all_targets=(liberty netlist sdf config firmware idx cifar10 journal chunk error_tables model sweep_plan)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

bash "$root/scripts/setup.sh" --fuzz
cmake_args=(-S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTESA_FUZZ=ON
            -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14)
[ -n "${TESA_PDK_DIR:-}" ] && cmake_args+=("-DTESA_PDK_DIR=$TESA_PDK_DIR")
mkdir -p "$build"
cmake "${cmake_args[@]}" > "$build/configure.log" 2>&1 || { cat "$build/configure.log"; exit 1; }
start=$(date +%s)
cmake --build "$build" --target fuzzers -j "$(nproc)" > "$build/build.log" 2>&1 || { tail -50 "$build/build.log"; exit 1; }
echo "fuzz: targets built in $(( $(date +%s) - start )) s"

pdk="${TESA_PDK_DIR:-$root/../shared/pdk/nangate45}"
corpus="$build/corpus"
mkdir -p "$corpus" "$build/artifacts"
for t in "${all_targets[@]}"; do
  mkdir -p "$corpus/$t"
  cp -n "$root/tests/fuzz/corpus/$t/"* "$corpus/$t/" 2>/dev/null || true
done
# Real files as extra seeds (prefixes of the big ones: libFuzzer works on inputs of a few KiB).
seed_prefix() { head -c "$3" "$1" > "$corpus/$2"; }
if [ -f "$pdk/nangate45_typ.lib.gz" ]; then
  gunzip -c "$pdk/nangate45_typ.lib.gz" | head -c 24000 > "$corpus/liberty/real_typ_prefix.lib" || true
fi
for w in 4 8; do
  n="$build/synth/booth_mul_w${w}_typ/netlist.v"
  [ -f "$n" ] && seed_prefix "$n" "netlist/real_booth${w}.v" 16000
done
sdf=$(find "$build" "$root/build" -name booth_mul_pe.sdf -path '*w4*' 2>/dev/null | head -1 || true)
[ -n "$sdf" ] && cp "$sdf" "$corpus/sdf/real_booth4_pe.sdf"
for c in "$root"/configs/*; do cp "$c" "$corpus/config/real_$(basename "$c")"; done

failed=()
printf '%-14s %12s %10s %8s\n' target executions exec/s result
for t in "${targets[@]}"; do
  log="$build/fuzz_$t.log"
  set +e
  "$build/tests/fuzz/fuzz_$t" "$corpus/$t" -seed="$seed" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3000 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" > "$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1)
  rate=$(( ${execs:-0} / (seconds > 0 ? seconds : 1) ))
  if [ $rc -eq 0 ]; then result=ok; else result="FAILED ($rc)"; failed+=("$t"); fi
  printf '%-14s %12s %10s %8s\n' "$t" "${execs:-?}" "${rate:-?}" "$result"
  if [ $rc -ne 0 ]; then grep -E 'ERROR|SUMMARY|Test unit written|uncaught|==[0-9]+==' "$log" | head -20; fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]} (inputs under $build/artifacts/, logs $build/fuzz_<target>.log)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, no findings"
