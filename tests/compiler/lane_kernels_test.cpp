// lane_kernels_test.cpp -- the vectorised injection kernels equal the portable ones bit for bit,
// and their Bernoulli draws have the asked-for rate.
#include "compiler/lane_kernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace tesa::lanes {
namespace {

TEST(LaneKernels, DispatchedKernelsEqualThePortableOnes) {
    if (!have_avx512()) GTEST_SKIP() << "no AVX-512 here: the dispatch runs the portable kernels";
    std::mt19937 gen(5);
    std::vector<uint32_t> thr(256);
    std::vector<uint64_t> mask(1024);
    for (auto& t : thr) t = gen() >> (gen() % 8);  // rates from tiny to large
    for (int i = 0; i < 256; i += 3) thr[static_cast<size_t>(i)] = 0x00010000u * (gen() % 4) + gen() % 3;  // high halves that tie
    for (auto& m : mask) m = (uint64_t{gen()} << 32 | gen()) & (uint64_t{gen()} << 32 | gen());
    // Row lengths below, at and above the chunk, and rows that chunks span.
    for (int n : {1, 5, 15, 16, 17, 31, 64, 100}) {
        const int krows = 7;
        std::vector<int8_t> x(static_cast<size_t>(n * krows));
        for (auto& v : x) v = static_cast<int8_t>(gen());
        std::vector<Row> rows;
        for (int r = 0; r < 11; ++r) rows.push_back({r, static_cast<int32_t>(gen() % krows)});
        std::vector<uint32_t> h1(static_cast<size_t>(n) * rows.size()), h2(h1.size());
        LaneRng a, b;
        a.seed(3, static_cast<uint64_t>(n));
        b.seed(3, static_cast<uint64_t>(n));
        Rng ta(4), tb(4);
        for (int round = 0; round < 3; ++round) {  // the generators stay in step across calls
            const int nr = static_cast<int>(rows.size()) - round;
            const uint32_t bound = *std::max_element(thr.begin(), thr.end());
            const int k1 = bernoulli_rows(x.data(), n, rows.data(), nr, thr.data(), bound, a, ta, h1.data());
            const int k2 = bernoulli_rows_portable(x.data(), n, rows.data(), nr, thr.data(), bound, b, tb, h2.data());
            ASSERT_EQ(k1, k2) << "n " << n;
            EXPECT_TRUE(std::equal(h1.begin(), h1.begin() + k1, h2.begin())) << "n " << n;
            for (bool always : {false, true}) {
                const int s1 = held_rows(x.data(), n, rows.data(), nr, mask.data(), always, 0x40000000u, a, ta, h1.data());
                const int s2 = held_rows_portable(x.data(), n, rows.data(), nr, mask.data(), always, 0x40000000u, b, tb, h2.data());
                ASSERT_EQ(s1, s2) << "n " << n;
                EXPECT_TRUE(std::equal(h1.begin(), h1.begin() + s1, h2.begin())) << "n " << n;
            }
        }
    }
}

TEST(LaneKernels, BernoulliRateAndHeldMaskSemantics) {
    std::vector<uint32_t> thr(256, threshold(0.25));
    thr[0] = 0;               // activation 0 never fails
    thr[1] = threshold(1.0);  // activation 1 (almost surely) always
    const int n = 1000;
    std::vector<int8_t> x(n);
    for (int i = 0; i < n; ++i) x[static_cast<size_t>(i)] = static_cast<int8_t>(i % 7);
    const Row one_row[1] = {{0, 0}};
    std::vector<uint32_t> hits(n);
    LaneRng g;
    g.seed(9, 0);
    Rng tie(9);
    long total = 0, trials = 0;
    for (int round = 0; round < 200; ++round) {
        const int k = bernoulli_rows(x.data(), n, one_row, 1, thr.data(), threshold(1.0), g, tie, hits.data());
        for (int i = 0; i < k; ++i) {
            ASSERT_EQ(hit_row(hits[static_cast<size_t>(i)]), 0);
            const int8_t v = x[static_cast<size_t>(hit_pos(hits[static_cast<size_t>(i)]))];
            ASSERT_NE(v, 0);
            if (i > 0) {
                ASSERT_LT(hits[static_cast<size_t>(i - 1)], hits[static_cast<size_t>(i)]);
            }
            total += v != 1;
        }
        trials += n * 5 / 7;  // values 2..6
    }
    const double rate = static_cast<double>(total) / static_cast<double>(trials);
    EXPECT_NEAR(rate, 0.25, 5 * std::sqrt(0.25 * 0.75 / static_cast<double>(trials)));
    // Held mask: only the pairs (previous 3, current 4) and (0, 3) fail; each row starts after a
    // 0 bubble. Two rows on the same stream.
    std::vector<uint64_t> mask(1024, 0);
    for (uint32_t bad : {3u << 8 | 4u, 0u << 8 | 3u}) mask[bad >> 6] |= uint64_t{1} << (bad & 63);
    const std::vector<int8_t> s = {3, 4, 4, 3, 4, 0, 3};
    const Row two_rows[2] = {{0, 0}, {1, 0}};
    const int k = held_rows(s.data(), static_cast<int>(s.size()), two_rows, 2, mask.data(), true, 0, g, tie, hits.data());
    ASSERT_EQ(k, 8);
    const int expect[8][2] = {{0, 0}, {0, 1}, {0, 4}, {0, 6}, {1, 0}, {1, 1}, {1, 4}, {1, 6}};
    for (int i = 0; i < 8; ++i) {
        EXPECT_EQ(hit_row(hits[static_cast<size_t>(i)]), expect[i][0]) << i;
        EXPECT_EQ(hit_pos(hits[static_cast<size_t>(i)]), expect[i][1]) << i;
    }
}

}  // namespace
}  // namespace tesa::lanes
