// characterize_worker.cpp -- the inner loop of `tesa characterize`, compiled at run time by
// `verilator --exe --build` together with the 64-lane time-unrolled model of the requested clock
// (prefix Vmodel, -DTESA_WIDTH=N). It is not part of the tesa build: it links nothing but the model.
//
// usage: worker FIRST COUNT OUT THREADS
// For every current pair c = a | b << N in [FIRST, FIRST + COUNT) it evaluates all 2^(2N) previous
// pairs p = a_prev | b_prev << N, 64 per evaluation (lane l of group g is p = 64 g + l), and writes
// the chunk file OUT (format in chunk_format.h; via OUT.tmp, renamed when complete).
#include "Vmodel.h"
#include "verilated.h"

#include "chunk_format.h"  // beside this file

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#ifndef TESA_WIDTH
#error "compile with -DTESA_WIDTH=N"
#endif

namespace {

constexpr int W = TESA_WIDTH;
constexpr uint32_t kPrev = 1u << (2 * W);   // previous pairs per current pair
constexpr uint32_t kOps = 1u << W;

using Result = tesa::ChunkPairResult;

template <class Port>
void set_lanes(Port& port, int bit, uint64_t lanes) {
    port[2 * bit] = static_cast<uint32_t>(lanes);
    port[2 * bit + 1] = static_cast<uint32_t>(lanes >> 32);
}

// Lane mask of bit i of the previous pair index over one group of 64 (independent of the group
// for i < 6, constant over the group for i >= 6).
uint64_t prev_bit_lanes(uint32_t group, int i) {
    if (i >= 6) return ((group * 64u) >> i) & 1u ? ~0ull : 0ull;
    uint64_t m = 0;
    for (uint32_t l = 0; l < 64; ++l) m |= static_cast<uint64_t>((l >> i) & 1u) << l;
    return m;
}

void characterize(Vmodel& m, uint32_t cur, Result& r, std::vector<uint32_t>& counts, std::vector<uint16_t>& touched) {
    const uint32_t a = cur & (kOps - 1), b = cur >> W;
    const int32_t sa = static_cast<int32_t>(a << (32 - W)) >> (32 - W), sb = static_cast<int32_t>(b << (32 - W)) >> (32 - W);
    const uint16_t exact = static_cast<uint16_t>(static_cast<uint32_t>(sa * sb) & ((1u << (2 * W)) - 1));
    r.wrong.clear();
    for (int i = 0; i < W; ++i) {
        set_lanes(m.a, i, ((a >> i) & 1u) ? ~0ull : 0ull);
        set_lanes(m.b, i, ((b >> i) & 1u) ? ~0ull : 0ull);
    }
    // Correct captures are counted in bulk; only the lanes with a wrong bit are unpacked.
    r.a_held.assign(kOps, exact);
    r.b_held.assign(kOps, exact);
    touched.clear();
    uint64_t exact_lanes[2 * W];
    for (int j = 0; j < 2 * W; ++j) exact_lanes[j] = ((exact >> j) & 1u) ? ~0ull : 0ull;
    uint32_t correct = 0;
    constexpr uint64_t valid = kPrev < 64 ? (1ull << kPrev) - 1 : ~0ull;
    for (uint32_t g = 0; g < kPrev / 64 + (kPrev < 64 ? 1 : 0); ++g) {
        for (int i = 0; i < W; ++i) {
            set_lanes(m.a_prev, i, prev_bit_lanes(g, i));
            set_lanes(m.b_prev, i, prev_bit_lanes(g, W + i));
        }
        m.eval();
        uint64_t p[2 * W];
        for (int j = 0; j < 2 * W; ++j) p[j] = static_cast<uint64_t>(m.p[2 * j]) | (static_cast<uint64_t>(m.p[2 * j + 1]) << 32);
        uint64_t wrong = 0;
        for (int j = 0; j < 2 * W; ++j) wrong |= p[j] ^ exact_lanes[j];
        wrong &= valid;
        correct += static_cast<uint32_t>(__builtin_popcountll(valid & ~wrong));
        for (; wrong; wrong &= wrong - 1) {
            const uint32_t l = static_cast<uint32_t>(__builtin_ctzll(wrong));
            uint16_t out = 0;
            for (int j = 0; j < 2 * W; ++j) out |= static_cast<uint16_t>(((p[j] >> l) & 1u) << j);
            const uint32_t prev = g * 64 + l, ap = prev & (kOps - 1), bp = prev >> W;
            if (counts[out]++ == 0) touched.push_back(out);
            r.wrong.emplace_back(static_cast<uint16_t>(prev), out);
            if (ap == a) r.a_held[bp] = out;
            if (bp == b) r.b_held[ap] = out;
        }
    }
    if (correct) {
        if (counts[exact] == 0) touched.push_back(exact);
        counts[exact] += correct;
    }
    r.outputs.clear();
    std::vector<uint16_t> sorted(touched);
    std::sort(sorted.begin(), sorted.end());
    for (uint16_t o : sorted) {
        r.outputs.emplace_back(o, counts[o]);
        counts[o] = 0;
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s FIRST COUNT OUT THREADS\n", argv[0]);
        return 2;
    }
    const uint32_t first = static_cast<uint32_t>(std::strtoul(argv[1], nullptr, 10));
    const uint32_t count = static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10));
    const std::string out = argv[3];
    const unsigned threads = static_cast<unsigned>(std::max(1, std::atoi(argv[4])));
    std::vector<Result> results(count);
    std::atomic<uint32_t> next{0};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            auto ctx = std::make_unique<VerilatedContext>();
            Vmodel m(ctx.get());
            std::vector<uint32_t> counts(1u << (2 * W), 0);
            std::vector<uint16_t> touched;
            for (uint32_t i; (i = next.fetch_add(1)) < count;) characterize(m, first + i, results[i], counts, touched);
        });
    for (auto& t : pool) t.join();

    const std::string data = tesa::encode_chunk(static_cast<uint32_t>(W), first, results);

    const std::string tmp = out + ".tmp";
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) {
        std::perror(tmp.c_str());
        return 1;
    }
    const bool written = std::fwrite(data.data(), 1, data.size(), f) == data.size();
    if (std::fclose(f) != 0 || !written || std::rename(tmp.c_str(), out.c_str()) != 0) {
        std::perror(out.c_str());
        std::remove(tmp.c_str());
        return 1;
    }
    return 0;
}
