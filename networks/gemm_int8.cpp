// gemm_int8.cpp -- packed INT8 GEMM: portable kernel and an AVX2 (pmaddwd) kernel, run-time dispatch.
#include "networks/gemm_int8.h"

#include <immintrin.h>

namespace tesa::gemm {

std::vector<int32_t> pack_weights(const int8_t* w, int outs, int fan_in) {
    const int kp = pairs(fan_in);
    std::vector<int32_t> out(static_cast<size_t>(outs) * kp);
    for (int o = 0; o < outs; ++o)
        for (int j = 0; j < kp; ++j) {
            const int8_t lo = w[static_cast<size_t>(o) * fan_in + 2 * j];
            const int8_t hi = 2 * j + 1 < fan_in ? w[static_cast<size_t>(o) * fan_in + 2 * j + 1] : int8_t{0};
            out[static_cast<size_t>(o) * kp + j] = pack2(lo, hi);
        }
    return out;
}

void pack_columns(const int8_t* x, int fan_in, int positions, int32_t* out) {
    for (int j = 0; j < pairs(fan_in); ++j) {
        const int8_t* lo = x + static_cast<size_t>(2 * j) * positions;
        const int8_t* hi = 2 * j + 1 < fan_in ? lo + positions : nullptr;
        int32_t* o = out + static_cast<size_t>(j) * positions;
        for (int p = 0; p < positions; ++p) o[p] = pack2(lo[p], hi ? hi[p] : int8_t{0});
    }
}

namespace {

inline int32_t madd(int32_t a, int32_t b) {
    return int32_t{static_cast<int16_t>(a & 0xffff)} * int32_t{static_cast<int16_t>(b & 0xffff)} +
           int32_t{static_cast<int16_t>(a >> 16)} * int32_t{static_cast<int16_t>(b >> 16)};
}

void gemm_portable(const int32_t* wp, const int32_t* bias, const int32_t* xp, int outs, int kpairs, int positions,
                   int32_t* acc, int o_begin = 0) {
    for (int o = o_begin; o < outs; ++o) {
        int32_t* a = acc + static_cast<size_t>(o) * positions;
        for (int p = 0; p < positions; ++p) a[p] = bias[o];
        for (int j = 0; j < kpairs; ++j) {
            const int32_t w = wp[static_cast<size_t>(o) * kpairs + j];
            if (w == 0) continue;
            const int32_t* x = xp + static_cast<size_t>(j) * positions;
            for (int p = 0; p < positions; ++p) a[p] += madd(w, x[p]);
        }
    }
}

// ROWS output channels x 16 positions per block: 2*ROWS accumulators stay in registers over the
// whole fan-in; each step loads 16 packed inputs once and broadcasts ROWS packed weight pairs.
template <int ROWS>
__attribute__((target("avx2"), always_inline)) inline void block_avx2(const int32_t* wp, const int32_t* bias,
                                                                       const int32_t* xp, int kpairs, int positions,
                                                                       int32_t* acc, int o, int p, bool two) {
    __m256i lo[ROWS], hi[ROWS];
    for (int r = 0; r < ROWS; ++r) lo[r] = hi[r] = _mm256_set1_epi32(bias[o + r]);
    const int32_t* x = xp + p;
    const int32_t* w = wp + static_cast<size_t>(o) * kpairs;
    for (int j = 0; j < kpairs; ++j, x += positions) {
        const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x));
        const __m256i v1 = two ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 8)) : v0;
        for (int r = 0; r < ROWS; ++r) {
            const __m256i wv = _mm256_set1_epi32(w[static_cast<size_t>(r) * kpairs + j]);
            lo[r] = _mm256_add_epi32(lo[r], _mm256_madd_epi16(v0, wv));
            if (two) hi[r] = _mm256_add_epi32(hi[r], _mm256_madd_epi16(v1, wv));
        }
    }
    for (int r = 0; r < ROWS; ++r) {
        int32_t* out = acc + static_cast<size_t>(o + r) * positions + p;
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), lo[r]);
        if (two) _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 8), hi[r]);
    }
}

template <int ROWS>
__attribute__((target("avx2"))) void rows_avx2(const int32_t* wp, const int32_t* bias, const int32_t* xp, int kpairs,
                                               int positions, int32_t* acc, int o) {
    const int p16 = positions / 16 * 16, p8 = positions / 8 * 8;
    for (int p = 0; p < p16; p += 16) block_avx2<ROWS>(wp, bias, xp, kpairs, positions, acc, o, p, true);
    if (p8 > p16) block_avx2<ROWS>(wp, bias, xp, kpairs, positions, acc, o, p16, false);
    for (int r = 0; r < ROWS; ++r)  // positions left over after the 8-wide blocks
        for (int p = p8; p < positions; ++p) {
            int32_t s = bias[o + r];
            for (int j = 0; j < kpairs; ++j)
                s += madd(wp[static_cast<size_t>(o + r) * kpairs + j], xp[static_cast<size_t>(j) * positions + p]);
            acc[static_cast<size_t>(o + r) * positions + p] = s;
        }
}

// One position (fully connected layers): a dot product per output over the packed fan-in.
__attribute__((target("avx2"))) void dot_avx2(const int32_t* wp, const int32_t* bias, const int32_t* xp, int outs, int kpairs,
                                              int32_t* acc) {
    const int j8 = kpairs / 8 * 8;
    for (int o = 0; o < outs; ++o) {
        const int32_t* w = wp + static_cast<size_t>(o) * kpairs;
        __m256i s = _mm256_setzero_si256();
        for (int j = 0; j < j8; j += 8)
            s = _mm256_add_epi32(s, _mm256_madd_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + j)),
                                                      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xp + j))));
        alignas(32) int32_t lanes[8];
        _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), s);
        int32_t t = bias[o];
        for (int32_t l : lanes) t += l;
        for (int j = j8; j < kpairs; ++j) t += madd(w[j], xp[j]);
        acc[o] = t;
    }
}

__attribute__((target("avx2"))) void gemm_avx2(const int32_t* wp, const int32_t* bias, const int32_t* xp, int outs, int kpairs,
                                               int positions, int32_t* acc) {
    if (positions == 1) return dot_avx2(wp, bias, xp, outs, kpairs, acc);
    int o = 0;
    for (; o + 4 <= outs; o += 4) rows_avx2<4>(wp, bias, xp, kpairs, positions, acc, o);
    for (; o < outs; ++o) rows_avx2<1>(wp, bias, xp, kpairs, positions, acc, o);
}

bool has_avx2() {
    static const bool yes = __builtin_cpu_supports("avx2");
    return yes;
}

}  // namespace

void gemm(const int32_t* wp, const int32_t* bias, const int32_t* xp, int outs, int kpairs, int positions, int32_t* acc) {
    if (has_avx2())
        gemm_avx2(wp, bias, xp, outs, kpairs, positions, acc);
    else
        gemm_portable(wp, bias, xp, outs, kpairs, positions, acc);
}

}  // namespace tesa::gemm
