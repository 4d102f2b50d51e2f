// synthetic_tables.h -- 8-bit error tables made up from a hash, with the real schema's shape, so
// the error models are tested in seconds without a 20-minute characterization. Like the real
// multiplier, operands with many ones (small negative values) fail far more often, so EAQ and WD
// have something to gain; some current pairs always fail (count 0 for the exact output), most
// never, the rest sometimes, with 1 to 3 wrong outputs of different magnitudes. The weight-held
// tables fail on a hashed eighth of (xp, x).
#pragma once

#include "timing/error_tables.h"

#include <cstdint>

namespace tesa::test {

inline uint32_t mix(uint32_t v) {
    v ^= v >> 16;
    v *= 0x7feb352dU;
    v ^= v >> 15;
    v *= 0x846ca68bU;
    v ^= v >> 16;
    return v;
}

inline ErrorTables synthetic_tables(uint32_t salt = 1) {
    ErrorTables t;
    t.width = 8;
    t.clock_scale = 0.8;
    t.clock_ps = 1011.4;  // 0.8 x the 8-bit typical min period
    t.time_step_ps = 10;
    t.offsets.assign(65537, 0);
    for (uint32_t c = 0; c < 65536; ++c) {
        t.offsets[c] = static_cast<uint32_t>(t.outputs.size());
        const uint32_t a = c & 0xff, b = c >> 8, ex = t.exact(a, b), h = mix(c ^ salt * 0x9e3779b9U);
        static constexpr uint32_t kFailing[3] = {1, 7, 12};  // of 16, by the operands with >= 6 ones
        const uint32_t ones = (__builtin_popcount(a) >= 6) + (__builtin_popcount(b) >= 6);
        const uint32_t cls = h & 15;
        uint32_t wrong = 0;
        if (cls == 0)
            wrong = 65536;  // always fails
        else if (cls < kFailing[ones])
            wrong = (h >> 8) & 0xffff;  // sometimes
        const uint32_t kinds = wrong ? 1 + (h >> 24) % 3 : 0;
        if (wrong < 65536) {
            t.outputs.push_back(static_cast<uint16_t>(ex));
            t.counts.push_back(65536 - wrong);
        }
        for (uint32_t j = 0; j < kinds; ++j) {
            const uint32_t share = wrong / kinds + (j == 0 ? wrong % kinds : 0);
            if (share == 0) continue;
            t.outputs.push_back(static_cast<uint16_t>(ex ^ (0x1000u << j)));
            t.counts.push_back(share);
        }
        // Table II stores a pair's outputs in ascending order.
        const size_t first = t.offsets[c];
        for (size_t i = first + 1; i < t.outputs.size(); ++i)
            for (size_t k = i; k > first && t.outputs[k - 1] > t.outputs[k]; --k) {
                std::swap(t.outputs[k - 1], t.outputs[k]);
                std::swap(t.counts[k - 1], t.counts[k]);
            }
    }
    t.offsets[65536] = static_cast<uint32_t>(t.outputs.size());
    t.derive();
    t.a_held.resize(size_t{1} << 24);
    t.b_held.resize(size_t{1} << 24);
    for (uint32_t i = 0; i < (1u << 24); ++i) {
        const int32_t held = static_cast<int8_t>(i >> 16), cur = static_cast<int8_t>(i & 0xff);
        const uint16_t ex = static_cast<uint16_t>(held * cur);
        const uint32_t h = mix(i ^ salt);
        t.a_held[i] = (h & 7) == 0 ? static_cast<uint16_t>(ex ^ 0x2000) : ex;
        t.b_held[i] = (h & 7) == 1 ? static_cast<uint16_t>(ex ^ 0x0400) : ex;
    }
    return t;
}

}  // namespace tesa::test
