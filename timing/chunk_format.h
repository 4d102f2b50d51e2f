// chunk_format.h -- the encoder of characterization chunk files, header-only and dependency-free
// so that the Verilator-built worker (characterize_worker.cpp) and tesa's in-process engines
// write the same bytes. Format, little-endian:
//   header  "TESACHK3", uint32 width, uint32 first, uint32 count
//   per c   uint32 K, K x {uint16 output, uint32 count}   distinct captured outputs, ascending
//           uint16 a_held[2^N]  output for (a_prev = a, b_prev), indexed by b_prev
//           uint16 b_held[2^N]  output for (a_prev, b_prev = b), indexed by a_prev
//           uint32 T, T x {uint16 previous, uint16 output}  the previous pairs whose capture is
//                                                          wrong, ascending (full transitions)
//   trailer uint64 FNV-1a 64 of all bytes before it (a damaged chunk is detected and redone)
// The reader is append_chunk (timing/characterizer.h).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tesa {

// One current pair's behaviour over all previous pairs.
struct ChunkPairResult {
    std::vector<std::pair<uint16_t, uint32_t>> outputs;  // (captured output, count), ascending
    std::vector<uint16_t> a_held, b_held;
    std::vector<std::pair<uint16_t, uint16_t>> wrong;    // (previous pair, captured output), ascending
};

inline std::string encode_chunk(uint32_t width, uint32_t first, const std::vector<ChunkPairResult>& results) {
    std::string data("TESACHK3", 8);
    auto put = [&data](const void* p, size_t n) { data.append(static_cast<const char*>(p), n); };
    const uint32_t header[3] = {width, first, static_cast<uint32_t>(results.size())};
    put(header, sizeof header);
    for (const ChunkPairResult& r : results) {
        const uint32_t k = static_cast<uint32_t>(r.outputs.size());
        put(&k, 4);
        for (const auto& oc : r.outputs) {
            put(&oc.first, 2);
            put(&oc.second, 4);
        }
        put(r.a_held.data(), 2 * r.a_held.size());
        put(r.b_held.data(), 2 * r.b_held.size());
        const uint32_t t = static_cast<uint32_t>(r.wrong.size());
        put(&t, 4);
        for (const auto& po : r.wrong) {
            put(&po.first, 2);
            put(&po.second, 2);
        }
    }
    uint64_t h = 1469598103934665603ull;  // FNV-1a 64 of everything before the trailer
    for (unsigned char ch : data) h = (h ^ ch) * 1099511628211ull;
    put(&h, 8);
    return data;
}

}  // namespace tesa
