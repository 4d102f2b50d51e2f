// transition_table.h -- the full transition behaviour of a timed multiplier, stored sparsely: for
// every current operand pair, the previous pairs after which the captured product is wrong, with
// the captured value. Dense storage would take 2^32 x 2 bytes = 8 GiB for 8 bits; only wrong
// captures are stored (4 bytes each: 0.86% of 2^32 pairs = 148 MB at clock scale 0.9, 8.1% =
// 1.4 GB at 0.8), and a lookup is one offset read plus a binary search in that pair's short list.
// Pairs are packed as a | b << N, operands and products as two's-complement bit patterns.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace tesa {

struct TransitionTable {
    int width = 8;
    double clock_ps = 0, clock_scale = 0;
    std::string netlist_hash;
    // current pair c: wrong previous pairs previous[offsets[c] .. offsets[c+1]), ascending, and
    // their captured outputs at the same positions
    std::vector<uint64_t> offsets;
    std::vector<uint16_t> previous, outputs;

    // An 8-bit table in which no transition is wrong: the exact multiplier.
    static TransitionTable clean() {
        TransitionTable t;
        t.offsets.assign((1u << 16) + 1, 0);
        return t;
    }

    bool empty() const { return offsets.empty(); }
    uint64_t wrong_transitions() const { return previous.size(); }

    // Captured product pattern after the transition prev -> cur; `exact` is cur's exact product.
    uint32_t capture(uint32_t prev, uint32_t cur, uint32_t exact) const {
        const uint64_t lo = offsets[cur], hi = offsets[cur + 1];
        if (lo == hi) return exact;
        const uint16_t* first = previous.data() + lo;
        const uint16_t* last = previous.data() + hi;
        const uint16_t* it = std::lower_bound(first, last, static_cast<uint16_t>(prev));
        return it != last && *it == prev ? outputs[static_cast<size_t>(it - previous.data())] : exact;
    }
};

}  // namespace tesa
