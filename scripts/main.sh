#!/usr/bin/env bash
# main.sh -- set up, build and run the main flow (`tesa flow`) on its built-in defaults.
# Extra arguments go to `tesa flow` (e.g. --corner slow, --out DIR).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${TESA_BUILD_DIR:-$root/build}"
bash "$root/scripts/build.sh"
cd "$root"
"$build/tesa" flow "$@"
