// os_dataflow.cpp -- output-stationary cycles. PE(r, c) accumulates C[m0 + r][n0 + c]:
// A[m0 + r][k] enters row r at cycle k + r and moves right, B[k][n0 + c] enters column c at cycle
// k + c and moves down, so they meet in PE(r, c) at cycle k + r + c; both operands change every
// cycle. After the K + Mu + Nu - 2 compute cycles the accumulators drain through the bottom edge
// in R cycles (the edges drive zeros meanwhile) and are written to C.
#include "sc_models/array_core.h"

namespace tesa {

void ArrayCore::os_cycle(bool compute) {
    const GemmShape s = job_.shape;
    for (int r = rows_ - 1; r >= 0; --r) {
        const int k_left = t_ - r;
        const bool left_valid = compute && r < mu_ && k_left >= 0 && k_left < s.k;
        const int16_t left_edge = left_valid ? job_.a[static_cast<size_t>(m0_ + r) * static_cast<size_t>(s.k) + static_cast<size_t>(k_left)] : 0;
        for (int c = cols_ - 1; c >= 0; --c) {
            Pe& p = at(r, c);
            const int16_t w_prev = p.weight, x_prev = p.act;
            if (c > 0) {
                const Pe& left = at(r, c - 1);
                p.act = left.act;
                p.act_valid = left.act_valid;
            } else {
                p.act = left_edge;
                p.act_valid = left_valid;
            }
            if (r > 0) {
                const Pe& up = at(r - 1, c);
                p.weight = up.weight;
                p.weight_valid = up.weight_valid;
            } else {
                const int k_top = t_ - c;
                p.weight_valid = compute && c < nu_ && k_top >= 0 && k_top < s.k;
                p.weight = p.weight_valid ? job_.b[static_cast<size_t>(k_top) * static_cast<size_t>(s.n) + static_cast<size_t>(n0_ + c)] : 0;
            }
            if (!p.busy()) continue;
            const int32_t exact = static_cast<int32_t>(p.weight) * p.act;
            p.psum += exact;
            busy(static_cast<uint32_t>(r * cols_ + c), w_prev, x_prev, p.weight, p.act, exact, m0_ + r, n0_ + c);
        }
    }
    resolve();
}

void ArrayCore::os_write_outputs() {
    const GemmShape s = job_.shape;
    for (int r = 0; r < mu_; ++r)
        for (int c = 0; c < nu_; ++c)
            job_.c[static_cast<size_t>(m0_ + r) * static_cast<size_t>(s.n) + static_cast<size_t>(n0_ + c)] = at(r, c).psum;
}

}  // namespace tesa
