// fuzz_support.h -- what every fuzz target of tesa's readers shares.
//
// A target feeds the fuzzer's bytes to one reader. The contract it checks: the reader either
// succeeds or throws tesa::Error (a message naming the file); it never crashes, hangs, trips a
// sanitizer, or throws anything else (std::out_of_range, bad_alloc, ...), which escape to the
// fuzzer and count as findings. The same targets run under ctest over their corpora
// (tests/fuzz/corpus/<target>/: seeds and every input that once failed) without libFuzzer.
#pragma once

#include "common/error.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace tesa::fuzz {

inline std::string text(const uint8_t* data, size_t size) { return std::string(reinterpret_cast<const char*>(data), size); }

// Runs f; a tesa::Error is the reader's proper refusal of bad input.
template <class F>
void refuses_cleanly(F&& f) {
    try {
        f();
    } catch (const tesa::Error&) {
    }
}

// A scratch file path private to this process (on tmpfs when there is one), for readers that
// take files (HDF5).
std::string scratch_path(const std::string& suffix);

}  // namespace tesa::fuzz
