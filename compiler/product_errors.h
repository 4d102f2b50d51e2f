// product_errors.h -- the characterized multiplier seen from (weight, activation) for one port
// assignment: what error injection and error-aware quantization read, in flat arrays.
//
// Index of a current pair: uint8(w) << 8 | uint8(x) (two's-complement bit patterns). The weight
// feeds port a (the paper's convention: the multiplicand) or port b (the Booth-encoded operand);
// every lookup follows that choice.
#pragma once

#include "timing/error_tables.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tesa {

enum class WeightPort { A, B };
WeightPort parse_weight_port(const std::string& s);  // "a" or "b"; throws otherwise
const char* weight_port_name(WeightPort p);

inline uint32_t pair_index(int8_t w, int8_t x) {
    return static_cast<uint32_t>(static_cast<uint8_t>(w)) << 8 | static_cast<uint8_t>(x);
}

class ProductErrors {
public:
    // The tables must be of the 8-bit multiplier; `stationary` also keeps the weight-held table
    // (32 MB) for the sequence model.
    static ProductErrors from_tables(const ErrorTables& t, WeightPort port, bool stationary);

    WeightPort port() const { return port_; }
    double clock_scale() const { return clock_scale_; }
    // Table III: P(wrong | weight w), the activation and the previous pair uniform.
    double p_weight(int8_t w) const { return p_weight_[static_cast<uint8_t>(w)]; }
    const std::vector<double>& weight_probabilities() const { return p_weight_; }
    // Table II: P(wrong | current pair), the previous pair uniform.
    double p_wrong(uint32_t pair) const { return static_cast<double>(wrong_[pair].total) * kInvPrevious; }
    uint32_t wrong_total(uint32_t pair) const { return wrong_[pair].total; }
    // The r-th (0 <= r < wrong_total(pair)) of the pair's wrong previous pairs, as the captured
    // product minus the exact one: drawing r uniformly draws from the table's wrong outputs.
    int32_t wrong_delta(uint32_t pair, uint32_t r) const {
        const Wrong& w = wrong_[pair];
        return w.single != kMany ? w.single : search_delta(pair, r);
    }

    bool has_stationary() const { return !held_.empty(); }
    // Weight held: the product captured for activation x after activation xp (same weight).
    bool held_wrong(uint8_t w, uint8_t xp, uint8_t x) const {
        const uint32_t i = static_cast<uint32_t>(w) << 16 | static_cast<uint32_t>(xp) << 8 | x;
        return (held_mask_[i >> 6] >> (i & 63)) & 1;
    }
    const uint64_t* held_mask_of(uint8_t w) const { return held_mask_.data() + (static_cast<size_t>(w) << 10); }
    int32_t held_delta(uint8_t w, uint8_t xp, uint8_t x) const {
        const uint32_t i = static_cast<uint32_t>(w) << 16 | static_cast<uint32_t>(xp) << 8 | x;
        return int32_t{static_cast<int16_t>(held_[i])} - int32_t{static_cast<int8_t>(w)} * static_cast<int8_t>(x);
    }

    static constexpr double kInvPrevious = 1.0 / 65536.0;

private:
    WeightPort port_ = WeightPort::A;
    double clock_scale_ = 0;
    std::vector<double> p_weight_;        // 256
    // Per current pair, in one record (one cache line touched per failing product): how many
    // previous pairs give a wrong output and, when all give the same one, its delta.
    struct Wrong {
        uint32_t total = 0;
        int32_t single = 0;
    };
    static constexpr int32_t kMany = INT32_MIN;  // several wrong outputs: search the lists below
    int32_t search_delta(uint32_t pair, uint32_t r) const;
    std::vector<Wrong> wrong_;            // 65536
    std::vector<uint32_t> wrong_offset_;  // 65537: the pair's wrong outputs in wrong_delta_/cum_
    std::vector<int32_t> wrong_delta_;
    std::vector<uint32_t> wrong_cum_;     // cumulative counts within the pair
    std::vector<uint16_t> held_;          // 2^24 captured patterns [w][xp][x]
    std::vector<uint64_t> held_mask_;     // 2^24 bits: captured != exact
};

}  // namespace tesa
