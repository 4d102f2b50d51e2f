// lane_kernels.cpp -- portable and AVX-512 versions of the injection inner loops.
#include "compiler/lane_kernels.h"

#include "common/rng.h"

#include <immintrin.h>

#include <algorithm>

// GCC 12 reports the intrinsics' internal undefined-vector placeholders as maybe uninitialized.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace tesa::lanes {

void LaneRng::seed(uint64_t s, uint64_t stream) {
    uint64_t st = s ^ (stream * 0xd1b54a32d192ed03ULL);
    for (int j = 0; j < 16; ++j) {
        const uint64_t a = splitmix64(st), b = splitmix64(st);
        x[j] = static_cast<uint32_t>(a);
        y[j] = static_cast<uint32_t>(a >> 32);
        z[j] = static_cast<uint32_t>(b);
        w[j] = static_cast<uint32_t>(b >> 32) | 1u;  // never all zero
    }
}

namespace {

// One xorshift128 step of every lane; r[j] = the lane's new output.
inline void step(LaneRng& g, uint32_t* r) {
    for (int j = 0; j < 16; ++j) {
        const uint32_t t = g.x[j] ^ (g.x[j] << 11);
        g.x[j] = g.y[j];
        g.y[j] = g.z[j];
        g.z[j] = g.w[j];
        g.w[j] = (g.w[j] ^ (g.w[j] >> 19)) ^ (t ^ (t >> 8));
        r[j] = g.w[j];
    }
}

inline bool bit(const uint64_t* mask, uint32_t i) { return (mask[i >> 6] >> (i & 63)) & 1; }

// The 16 (previous, current) activations of the chunk at flat index f = r * n + p, as bytes;
// returns how many are valid.
inline int gather_chunk(const int8_t* x, int n, const Row* rows, int nrows, int r, int p, uint8_t* cur, uint8_t* prev) {
    int j = 0;
    for (; j < 16 && r < nrows; ++j) {
        const int8_t* xr = x + static_cast<size_t>(rows[r].k) * n;
        cur[j] = static_cast<uint8_t>(xr[p]);
        prev[j] = p == 0 ? 0 : static_cast<uint8_t>(xr[p - 1]);
        if (++p == n) {
            p = 0;
            ++r;
        }
    }
    for (int i = j; i < 16; ++i) cur[i] = prev[i] = 0;
    return j;
}

inline uint32_t pack_hit(int r, int p) { return static_cast<uint32_t>(r) << 16 | static_cast<uint32_t>(p); }

// Hits of the lanes in k of the chunk at (row r, position p).
inline int emit(uint32_t k, int n, int r, int p, uint32_t* hits, int h) {
    for (; k; k &= k - 1) {
        int pj = p + __builtin_ctz(k), rj = r;
        while (pj >= n) {
            pj -= n;
            ++rj;
        }
        hits[h++] = pack_hit(rj, pj);
    }
    return h;
}

struct Lanes512 {
    __m512i x, y, z, w;
    __attribute__((target("avx512f"))) explicit Lanes512(const LaneRng& g)
        : x(_mm512_load_si512(g.x)), y(_mm512_load_si512(g.y)), z(_mm512_load_si512(g.z)), w(_mm512_load_si512(g.w)) {}
    __attribute__((target("avx512f"))) void store(LaneRng& g) const {
        _mm512_store_si512(g.x, x);
        _mm512_store_si512(g.y, y);
        _mm512_store_si512(g.z, z);
        _mm512_store_si512(g.w, w);
    }
    __attribute__((target("avx512f"))) __m512i step() {
        const __m512i t = _mm512_xor_si512(x, _mm512_slli_epi32(x, 11));
        x = y;
        y = z;
        z = w;
        w = _mm512_xor_si512(_mm512_xor_si512(w, _mm512_srli_epi32(w, 19)), _mm512_xor_si512(t, _mm512_srli_epi32(t, 8)));
        return w;
    }
};

__attribute__((target("avx512f"))) inline __m512i widen(const void* bytes) {
    return _mm512_cvtepu8_epi32(_mm_loadu_si128(static_cast<const __m128i*>(bytes)));
}

inline void advance(int n, int nrows, int& r, int& p) {
    p += 16;
    while (p >= n && r < nrows) {
        p -= n;
        ++r;
    }
}

inline __mmask16 valid_lanes(int total, int32_t f) {
    return total - f >= 16 ? __mmask16(0xffff) : static_cast<__mmask16>((1u << (total - f)) - 1);
}

// 32 products per generator step: product i of a chunk takes 16-bit half i of the lanes' words
// (half i & 1 of lane i >> 1) as the high half of its 32-bit random number. Products whose high
// half exceeds bound >> 16 cannot fail and are never looked at; for the others `decide(r, p,
// high)` looks at the activation (ties of the high half draw the low half from `tie`).
inline uint16_t half_of(const uint32_t* words, int i) { return static_cast<uint16_t>(words[i >> 1] >> (16 * (i & 1))); }


// Two passes per block of chunks, so that neither has a branch per product: the vector pass
// compresses the candidates (flat index, high half) into small arrays, the scalar pass decides
// them in order (the flat index split into row and position by a multiply: f, n < 2^16).
template <class Decide>
__attribute__((target("avx512f,avx512bw"))) int random_first_avx512(int n, int nrows, uint32_t bound, LaneRng& g, uint32_t* hits,
                                                                     Decide&& decide) {
    constexpr int kBlock = 64 * 32;  // products per block
    Lanes512 l(g);
    const __m512i b = _mm512_set1_epi16(static_cast<short>(bound >> 16));
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const uint64_t magic = ((uint64_t{1} << 32) + static_cast<uint64_t>(n) - 1) / static_cast<uint64_t>(n);
    alignas(64) uint32_t cand_f[kBlock + 32], cand_hi[kBlock + 32];
    int h = 0;
    const int total = nrows * n;
    for (int32_t start = 0; start < total; start += kBlock) {
        const int32_t stop = std::min(total, start + kBlock);
        int c = 0;
        for (int32_t f = start; f < stop; f += 32) {
            const __m512i rv = l.step();
            const __mmask32 valid = stop - f >= 32 ? ~__mmask32(0) : static_cast<__mmask32>((uint64_t{1} << (stop - f)) - 1);
            const uint32_t k = _mm512_mask_cmple_epu16_mask(valid, rv, b);
            const __mmask16 k0 = static_cast<__mmask16>(k), k1 = static_cast<__mmask16>(k >> 16);
            const __m512i fv = _mm512_add_epi32(iota, _mm512_set1_epi32(f));
            _mm512_mask_compressstoreu_epi32(cand_f + c, k0, fv);
            _mm512_mask_compressstoreu_epi32(cand_hi + c, k0, _mm512_cvtepu16_epi32(_mm512_castsi512_si256(rv)));
            c += __builtin_popcount(k0);
            _mm512_mask_compressstoreu_epi32(cand_f + c, k1, _mm512_add_epi32(fv, _mm512_set1_epi32(16)));
            _mm512_mask_compressstoreu_epi32(cand_hi + c, k1, _mm512_cvtepu16_epi32(_mm512_extracti64x4_epi64(rv, 1)));
            c += __builtin_popcount(k1);
        }
        for (int i = 0; i < c; ++i) {
            const uint32_t f = cand_f[i];
            const int r = static_cast<int>((f * magic) >> 32), p = static_cast<int>(f) - r * n;
            hits[h] = pack_hit(r, p);
            h += decide(r, p, static_cast<uint16_t>(cand_hi[i]));
        }
    }
    l.store(g);
    return h;
}

template <class Decide>
int random_first_portable(int n, int nrows, uint32_t bound, LaneRng& g, uint32_t* hits, Decide&& decide) {
    uint32_t rnd[16];
    int h = 0;
    const int total = nrows * n;
    const uint16_t b = static_cast<uint16_t>(bound >> 16);
    for (int32_t f = 0; f < total; f += 32) {
        step(g, rnd);
        for (int i = 0; i < 32 && f + i < total; ++i) {
            const uint16_t hi = half_of(rnd, i);
            if (hi > b) continue;
            const int rj = (f + i) / n, pj = (f + i) % n;
            hits[h] = pack_hit(rj, pj);
            h += decide(rj, pj, hi);
        }
    }
    return h;
}

// rand32 = high << 16 | low < t, the low half drawn only when the high halves tie.
inline bool below(uint16_t high, uint32_t t, Rng& tie) {
    const uint16_t th = static_cast<uint16_t>(t >> 16);
    return high < th || (high == th && (tie.next() & 0xffff) < (t & 0xffff));
}

__attribute__((target("avx512f"))) int held_rows_always_avx512(const int8_t* x, int n, const Row* rows, int nrows, const uint64_t* mask,
                                                              uint32_t* hits) {
    const __m512i one = _mm512_set1_epi32(1), low5 = _mm512_set1_epi32(31);
    const int* words = reinterpret_cast<const int*>(mask);  // little-endian: bit i is bit i & 31 of word i >> 5
    int h = 0, r = 0, p = 0;
    const int total = nrows * n;
    alignas(16) uint8_t cur[16], prev[16];
    for (int32_t f = 0; f < total; f += 16) {
        const __mmask16 valid = valid_lanes(total, f);
        __m512i c, pv;
        if (p + 16 <= n) {
            const int8_t* xr = x + static_cast<size_t>(rows[r].k) * n;
            c = widen(xr + p);
            // lane j's previous activation is lane j - 1's; lane 0's is x[p - 1] (0 at a row start)
            pv = _mm512_mask_set1_epi32(_mm512_alignr_epi32(c, c, 15), 1, p == 0 ? 0 : static_cast<uint8_t>(xr[p - 1]));
        } else {
            gather_chunk(x, n, rows, nrows, r, p, cur, prev);
            c = widen(cur);
            pv = widen(prev);
        }
        const __m512i idx = _mm512_or_si512(_mm512_slli_epi32(pv, 8), c);
        const __m512i word = _mm512_i32gather_epi32(_mm512_srli_epi32(idx, 5), words, 4);
        const __m512i bt = _mm512_and_si512(_mm512_srlv_epi32(word, _mm512_and_si512(idx, low5)), one);
        const uint32_t k = _mm512_mask_test_epi32_mask(valid, bt, bt);
        if (k) h = emit(k, n, r, p, hits, h);
        advance(n, nrows, r, p);
    }
    return h;
}

}  // namespace

bool have_avx512() {
    static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
    return yes;
}

namespace {

template <class Decide>
int random_first(bool vector, int n, int nrows, uint32_t bound, LaneRng& g, uint32_t* hits, Decide&& decide) {
    return vector ? random_first_avx512(n, nrows, bound, g, hits, decide) : random_first_portable(n, nrows, bound, g, hits, decide);
}

int bernoulli_impl(bool vector, const int8_t* x, int n, const Row* rows, const uint32_t* thr, uint32_t bound, int nrows, LaneRng& g,
                   Rng& tie, uint32_t* hits) {
    return random_first(vector, n, nrows, bound, g, hits, [&](int r, int p, uint16_t high) {
        return below(high, thr[static_cast<uint8_t>(x[static_cast<size_t>(rows[r].k) * n + p])], tie);
    });
}

int held_impl(bool vector, const int8_t* x, int n, const Row* rows, int nrows, const uint64_t* mask, bool always, uint32_t reg_thr,
              LaneRng& g, Rng& tie, uint32_t* hits) {
    if (always) {
        if (vector) return held_rows_always_avx512(x, n, rows, nrows, mask, hits);
        int h = 0;
        uint8_t cur[16], prev[16];
        for (int32_t f = 0; f < nrows * n; f += 16) {
            const int v = gather_chunk(x, n, rows, nrows, f / n, f % n, cur, prev);
            for (int j = 0; j < v; ++j)
                if (bit(mask, uint32_t{prev[j]} << 8 | cur[j])) hits[h++] = pack_hit((f + j) / n, (f + j) % n);
        }
        return h;
    }
    // A product is replaced only on a slow cycle: that is decided first, the mask read for the few.
    return random_first(vector, n, nrows, reg_thr, g, hits, [&](int r, int p, uint16_t high) {
        if (!below(high, reg_thr, tie)) return false;
        const int8_t* xr = x + static_cast<size_t>(rows[r].k) * n;
        return bit(mask, uint32_t{p == 0 ? uint8_t{0} : static_cast<uint8_t>(xr[p - 1])} << 8 | static_cast<uint8_t>(xr[p]));
    });
}

}  // namespace

int bernoulli_rows(const int8_t* x, int n, const Row* rows, int nrows, const uint32_t* thr, uint32_t bound, LaneRng& g, Rng& tie,
                   uint32_t* hits) {
    return bernoulli_impl(have_avx512(), x, n, rows, thr, bound, nrows, g, tie, hits);
}

int bernoulli_rows_portable(const int8_t* x, int n, const Row* rows, int nrows, const uint32_t* thr, uint32_t bound, LaneRng& g, Rng& tie,
                            uint32_t* hits) {
    return bernoulli_impl(false, x, n, rows, thr, bound, nrows, g, tie, hits);
}

int held_rows(const int8_t* x, int n, const Row* rows, int nrows, const uint64_t* mask, bool always, uint32_t reg_thr, LaneRng& g,
              Rng& tie, uint32_t* hits) {
    return held_impl(have_avx512(), x, n, rows, nrows, mask, always, reg_thr, g, tie, hits);
}

int held_rows_portable(const int8_t* x, int n, const Row* rows, int nrows, const uint64_t* mask, bool always, uint32_t reg_thr,
                       LaneRng& g, Rng& tie, uint32_t* hits) {
    return held_impl(false, x, n, rows, nrows, mask, always, reg_thr, g, tie, hits);
}

}  // namespace tesa::lanes
