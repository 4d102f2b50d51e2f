// lane_kernels.cpp -- portable and AVX-512 versions of the injection inner loops.
#include "compiler/lane_kernels.h"

#include "common/rng.h"

#include <immintrin.h>

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

// Activation of lane j of the chunk at (row r, position p); r and p become the lane's own.
inline uint8_t lane_x(const int8_t* x, int n, const Row* rows, int& r, int& p, int j, uint8_t* prev) {
    p += j;
    while (p >= n) {
        p -= n;
        ++r;
    }
    const int8_t* xr = x + static_cast<size_t>(rows[r].k) * n;
    if (prev) *prev = p == 0 ? 0 : static_cast<uint8_t>(xr[p - 1]);
    return static_cast<uint8_t>(xr[p]);
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

__attribute__((target("avx512f"))) int bernoulli_rows_avx512(const int8_t* x, int n, const Row* rows, int nrows, const uint32_t* thr,
                                                            uint32_t bound, LaneRng& g, uint32_t* hits) {
    Lanes512 l(g);
    const __m512i b = _mm512_set1_epi32(static_cast<int>(bound));
    alignas(64) uint32_t rnd[16];
    int h = 0, r = 0, p = 0;
    const int total = nrows * n;
    for (int32_t f = 0; f < total; f += 16) {
        const __m512i rv = l.step();
        uint32_t k = _mm512_mask_cmplt_epu32_mask(valid_lanes(total, f), rv, b);
        if (k) {
            _mm512_store_si512(rnd, rv);
            if (p + 16 <= n) {  // the chunk lies in one row
                const uint8_t* xr = reinterpret_cast<const uint8_t*>(x) + static_cast<size_t>(rows[r].k) * n + p;
                for (; k; k &= k - 1) {  // branch free: about half of these fail
                    const int j = __builtin_ctz(k);
                    hits[h] = pack_hit(r, p + j);
                    h += rnd[j] < thr[xr[j]];
                }
            } else {
                for (; k; k &= k - 1) {
                    const int j = __builtin_ctz(k);
                    int rj = r, pj = p;
                    const uint8_t xv = lane_x(x, n, rows, rj, pj, j, nullptr);
                    hits[h] = pack_hit(rj, pj);
                    h += rnd[j] < thr[xv];
                }
            }
        }
        advance(n, nrows, r, p);
    }
    l.store(g);
    return h;
}

__attribute__((target("avx512f"))) int held_rows_avx512(const int8_t* x, int n, const Row* rows, int nrows, const uint64_t* mask,
                                                       bool always, uint32_t reg_thr, LaneRng& g, uint32_t* hits) {
    Lanes512 l(g);
    const __m512i rt = _mm512_set1_epi32(static_cast<int>(reg_thr)), one = _mm512_set1_epi32(1), low5 = _mm512_set1_epi32(31);
    const int* words = reinterpret_cast<const int*>(mask);  // little-endian: bit i is bit i & 31 of word i >> 5
    int h = 0, r = 0, p = 0;
    const int total = nrows * n;
    alignas(16) uint8_t cur[16], prev[16];
    for (int32_t f = 0; f < total; f += 16) {
        const __mmask16 valid = valid_lanes(total, f);
        if (!always) {
            // A product is replaced only on a slow cycle: decide that first, look at the few.
            uint32_t k = _mm512_mask_cmplt_epu32_mask(valid, l.step(), rt);
            for (; k; k &= k - 1) {
                const int j = __builtin_ctz(k);
                uint8_t pv = 0;
                int rj = r, pj = p;
                const uint8_t c = lane_x(x, n, rows, rj, pj, j, &pv);
                hits[h] = pack_hit(rj, pj);
                h += bit(mask, uint32_t{pv} << 8 | c);
            }
            advance(n, nrows, r, p);
            continue;
        }
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
    l.store(g);
    return h;
}

}  // namespace

bool have_avx512() {
    static const bool yes = __builtin_cpu_supports("avx512f");
    return yes;
}

int bernoulli_rows_portable(const int8_t* x, int n, const Row* rows, int nrows, const uint32_t* thr, uint32_t, LaneRng& g,
                            uint32_t* hits) {
    int h = 0;
    uint32_t rnd[16];
    uint8_t cur[16], prev[16];
    const int total = nrows * n;
    for (int32_t f = 0; f < total; f += 16) {
        const int v = gather_chunk(x, n, rows, nrows, f / n, f % n, cur, prev);
        step(g, rnd);
        for (int j = 0; j < v; ++j)
            if (rnd[j] < thr[cur[j]]) hits[h++] = pack_hit((f + j) / n, (f + j) % n);
    }
    return h;
}

int held_rows_portable(const int8_t* x, int n, const Row* rows, int nrows, const uint64_t* mask, bool always, uint32_t reg_thr,
                       LaneRng& g, uint32_t* hits) {
    int h = 0;
    uint32_t rnd[16];
    uint8_t cur[16], prev[16];
    const int total = nrows * n;
    for (int32_t f = 0; f < total; f += 16) {
        const int v = gather_chunk(x, n, rows, nrows, f / n, f % n, cur, prev);
        if (!always) step(g, rnd);
        for (int j = 0; j < v; ++j)
            if (bit(mask, uint32_t{prev[j]} << 8 | cur[j]) && (always || rnd[j] < reg_thr)) hits[h++] = pack_hit((f + j) / n, (f + j) % n);
    }
    return h;
}

int bernoulli_rows(const int8_t* x, int n, const Row* rows, int nrows, const uint32_t* thr, uint32_t bound, LaneRng& rng,
                   uint32_t* hits) {
    return have_avx512() ? bernoulli_rows_avx512(x, n, rows, nrows, thr, bound, rng, hits)
                         : bernoulli_rows_portable(x, n, rows, nrows, thr, bound, rng, hits);
}

int held_rows(const int8_t* x, int n, const Row* rows, int nrows, const uint64_t* mask, bool always, uint32_t reg_thr, LaneRng& rng,
              uint32_t* hits) {
    return have_avx512() ? held_rows_avx512(x, n, rows, nrows, mask, always, reg_thr, rng, hits)
                         : held_rows_portable(x, n, rows, nrows, mask, always, reg_thr, rng, hits);
}

}  // namespace tesa::lanes
