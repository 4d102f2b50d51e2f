#!/usr/bin/env bash
# setup.sh -- install every Debian 12 package tesa needs (idempotent; quick when all are present).
set -euo pipefail

packages=(
  build-essential cmake pkg-config git gzip
  libsystemc-dev verilator yosys opensta iverilog
  libboost-program-options-dev libhdf5-dev libgtest-dev zlib1g-dev libpng-dev
  python3-matplotlib
  slurmctld slurmd slurm-client munge  # tesa sweep --executor slurm; its test runs a one-node cluster (tests/slurm/cluster.sh)
)

# --training: also PyTorch and h5py (Debian's), for networks/train/ only; the tests do not need them.
# --fuzz: clang 14 and libFuzzer, for scripts/fuzz.sh.
if [ "${1:-}" = "--training" ]; then
  packages+=(python3-torch python3-h5py)
elif [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang-14 libfuzzer-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
