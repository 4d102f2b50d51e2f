// product_errors.cpp -- re-indexing the error tables by (weight, activation).
#include "compiler/product_errors.h"

#include "common/error.h"

#include <algorithm>

namespace tesa {

WeightPort parse_weight_port(const std::string& s) {
    if (s == "a" || s == "A") return WeightPort::A;
    if (s == "b" || s == "B") return WeightPort::B;
    fail("weight port must be a or b, not '" + s + "'");
}

const char* weight_port_name(WeightPort p) { return p == WeightPort::A ? "a" : "b"; }

ProductErrors ProductErrors::from_tables(const ErrorTables& t, WeightPort port, bool stationary) {
    if (t.width != 8) fail("error tables of a " + std::to_string(t.width) + "-bit multiplier; the INT8 engine needs 8 bits");
    if (t.offsets.size() != 65537 || t.outputs.size() != t.counts.size() || t.p_weight_a.size() != 256 || t.p_weight_b.size() != 256)
        fail("error tables: Table II or III arrays have the wrong size");
    ProductErrors e;
    e.port_ = port;
    e.clock_scale_ = t.clock_scale;
    e.p_weight_ = port == WeightPort::A ? t.p_weight_a : t.p_weight_b;
    e.wrong_.assign(65536, Wrong{});
    e.wrong_offset_.assign(65537, 0);
    for (uint32_t pair = 0; pair < 65536; ++pair) {
        const uint32_t w = pair >> 8, x = pair & 0xff;
        const uint32_t a = port == WeightPort::A ? w : x, b = port == WeightPort::A ? x : w;
        const uint32_t c = a | b << 8;
        const uint32_t exact = t.exact(a, b) & 0xffff;
        e.wrong_offset_[pair] = static_cast<uint32_t>(e.wrong_delta_.size());
        uint32_t cum = 0;
        for (uint32_t j = t.offsets[c]; j < t.offsets[c + 1]; ++j) {
            if (t.outputs[j] == exact) continue;
            cum += t.counts[j];
            e.wrong_delta_.push_back(int32_t{static_cast<int16_t>(t.outputs[j])} - int32_t{static_cast<int16_t>(exact)});
            e.wrong_cum_.push_back(cum);
        }
        if (cum > 65536) fail("error tables: current pair " + std::to_string(c) + " has counts above 65536");
        const size_t n = e.wrong_delta_.size() - e.wrong_offset_[pair];
        e.wrong_[pair].total = cum;
        e.wrong_[pair].single = n == 1 ? e.wrong_delta_.back() : kMany;
    }
    e.wrong_offset_[65536] = static_cast<uint32_t>(e.wrong_delta_.size());
    if (stationary) {
        const std::vector<uint16_t>& held = port == WeightPort::A ? t.a_held : t.b_held;
        if (held.size() != (size_t{1} << 24)) fail("error tables: stationary sub-table missing or of the wrong size");
        e.held_ = held;
        e.held_mask_.assign((size_t{1} << 24) / 64, 0);
        for (uint32_t i = 0; i < (1u << 24); ++i) {
            const int32_t exact = int32_t{static_cast<int8_t>(i >> 16)} * static_cast<int8_t>(i & 0xff);
            if (static_cast<int16_t>(held[i]) != exact) e.held_mask_[i >> 6] |= uint64_t{1} << (i & 63);
        }
    }
    return e;
}

int32_t ProductErrors::search_delta(uint32_t pair, uint32_t r) const {
    const auto first = wrong_cum_.begin() + wrong_offset_[pair], last = wrong_cum_.begin() + wrong_offset_[pair + 1];
    const auto it = std::upper_bound(first, last, r);
    return wrong_delta_[static_cast<size_t>(it - wrong_cum_.begin())];
}

}  // namespace tesa
