// gemm_int8.h -- the exact INT8 GEMM of the inference engine: acc[o][p] = bias[o] + sum_k w[o][k] x[k][p].
//
// Operands are packed by pairs of fan-in positions: one int32 word holds (k even, k odd) as two
// int16 values, so one pmaddwd multiplies and adds two products per lane. The AVX2 kernel is chosen
// at run time when the processor has it; the portable kernel gives the same integers.
#pragma once

#include <cstdint>
#include <vector>

namespace tesa::gemm {

inline int pairs(int fan_in) { return (fan_in + 1) / 2; }

inline int32_t pack2(int8_t lo, int8_t hi) {
    return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint16_t>(int16_t{lo})) |
                                (static_cast<uint32_t>(static_cast<uint16_t>(int16_t{hi})) << 16));
}

// w: outs x fan_in -> outs x pairs(fan_in).
std::vector<int32_t> pack_weights(const int8_t* w, int outs, int fan_in);
// x: fan_in x positions -> pairs(fan_in) x positions.
void pack_columns(const int8_t* x, int fan_in, int positions, int32_t* out);

void gemm(const int32_t* wp, const int32_t* bias, const int32_t* xp, int outs, int kpairs, int positions, int32_t* acc);

}  // namespace tesa::gemm
