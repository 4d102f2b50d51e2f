// lane_kernels.h -- the per-product inner loops of error injection, 16 products at a time.
//
// The products of a batch of multiplier rows that share one weight value (row r: activation
// stream x[rows[r].k * n ..][0..n)) are taken in row-major order (row, position) and cut into
// chunks of 32. 16 xorshift128 generators (lanes) advance once per chunk, also for a partial last
// chunk; product i of the chunk takes 16-bit half i & 1 of lane i >> 1's word as the high half of
// its 32-bit random number, whose low half is drawn from a scalar generator (`tie`) only in the
// rare case that the high half alone does not decide. The AVX-512 kernels and the portable ones
// produce the same hits bit for bit. Hits (failing products) are written in ascending order as
// r << 16 | p (hit_row, hit_pos); the caller replaces those products.
#pragma once

#include "common/rng.h"

#include <cstdint>

namespace tesa::lanes {

struct LaneRng {
    alignas(64) uint32_t x[16] = {}, y[16] = {}, z[16] = {}, w[16] = {};
    void seed(uint64_t seed, uint64_t stream);
};

// One multiplier: output channel and activation row of a conv/fc layer.
struct Row {
    int32_t out_channel, k;
};

// At most this many products per call (rows x n); callers split longer groups into batches.
constexpr int kMaxBatch = 1 << 16;
inline int hit_row(uint32_t hit) { return static_cast<int>(hit >> 16); }
inline int hit_pos(uint32_t hit) { return static_cast<int>(hit & 0xffff); }

// Paper model: product (r, p) fails when rand < thr[x_r[p]] (thr: 256 thresholds of probability
// x 2^32, by activation bit pattern; `bound` >= every thr: lanes whose rand is not below it are
// decided without looking at the activation, which is what makes the kernel fast).
int bernoulli_rows(const int8_t* x, int n, const Row* rows, int nrows, const uint32_t* thr, uint32_t bound, LaneRng& rng, Rng& tie,
                   uint32_t* hits);
// Sequence model: product (r, p) fails when bit (x_r[p-1] << 8 | x_r[p]) of `mask` (65,536 bits)
// is set (x_r[-1] = 0: each row's stream starts after a bubble) and, unless `always`,
// rand < reg_thr (decided first; with `always` no random number is drawn).
int held_rows(const int8_t* x, int n, const Row* rows, int nrows, const uint64_t* mask, bool always, uint32_t reg_thr,
              LaneRng& rng, Rng& tie, uint32_t* hits);

// The portable kernels (the reference of the dispatched ones above).
int bernoulli_rows_portable(const int8_t* x, int n, const Row* rows, int nrows, const uint32_t* thr, uint32_t bound, LaneRng& rng,
                            Rng& tie, uint32_t* hits);
int held_rows_portable(const int8_t* x, int n, const Row* rows, int nrows, const uint64_t* mask, bool always, uint32_t reg_thr,
                       LaneRng& rng, Rng& tie, uint32_t* hits);
bool have_avx512();

// Probability -> threshold: P(rand32 < t) = t / 2^32 (1 maps to 2^32 - 1).
inline uint32_t threshold(double p) {
    const double t = p * 4294967296.0 + 0.5;
    return t >= 4294967295.0 ? 0xffffffffu : (t <= 0 ? 0u : static_cast<uint32_t>(t));
}

}  // namespace tesa::lanes
