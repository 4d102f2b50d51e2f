// os_dataflow.cpp -- output-stationary cycles. PE(r, c) accumulates C[m0 + r][n0 + c]:
// A[m0 + r][k] enters row r at cycle k + r and moves right, B[k][n0 + c] enters column c at cycle
// k + c and moves down, so they meet in PE(r, c) at cycle k + r + c; both operands change every
// cycle. After the K + Mu + Nu - 2 compute cycles the accumulators drain through the bottom edge
// in R cycles (the edges drive zeros meanwhile) and are written to C.
#include "sc_models/array_core.h"

namespace tesa {

void ArrayCore::os_cycle(bool compute) {
    const GemmShape s = job_.shape;
    const size_t C = static_cast<size_t>(cols_);
    const Bank& old = bank_[cur_];
    Bank& now = bank_[cur_ ^ 1];
    uint8_t* busy = busy_.data();
    for (int r = rows_ - 1; r >= 0; --r) {
        const int k_left = t_ - r;
        const bool left_valid = compute && r < mu_ && k_left >= 0 && k_left < s.k;
        const size_t row = index(r, 0);
        const int16_t* x_old = old.act.data() + row;
        const uint8_t* xv_old = old.act_valid.data() + row;
        const int16_t* w_old = old.weight.data() + row;
        int16_t* x = now.act.data() + row;
        uint8_t* xv = now.act_valid.data() + row;
        int16_t* w = now.weight.data() + row;
        uint8_t* wv = now.weight_valid.data() + row;
        int32_t* ps = psum_.data() + row;
        x[0] = left_valid ? job_.a[static_cast<size_t>(m0_ + r) * static_cast<size_t>(s.k) + static_cast<size_t>(k_left)] : 0;
        xv[0] = left_valid;
        stats_.a_reads += left_valid;
        const uint8_t keep = flush_ ^ 1;
        for (size_t c = 1; c < C; ++c) {
            x[c] = x_old[c - 1];
            xv[c] = xv_old[c - 1] & keep;
        }
        if (r > 0) {
            const int16_t* w_above = w_old - C;
            const uint8_t* wv_above = old.weight_valid.data() + row - C;
            for (size_t c = 0; c < C; ++c) {
                w[c] = w_above[c];
                wv[c] = wv_above[c] & keep;
            }
        } else {
            for (size_t c = 0; c < C; ++c) {
                const int k_top = t_ - static_cast<int>(c);
                const bool valid = compute && static_cast<int>(c) < nu_ && k_top >= 0 && k_top < s.k;
                wv[c] = valid;
                stats_.b_reads += valid;
                w[c] = valid ? job_.b[static_cast<size_t>(k_top) * static_cast<size_t>(s.n) + static_cast<size_t>(n0_) + c] : 0;
            }
        }
        unsigned count = 0;
        for (size_t c = 0; c < C; ++c) {
            const uint8_t b = xv[c] & wv[c];
            busy[c] = b;
            count += b;
            ps[c] += b ? int32_t{w[c]} * x[c] : 0;
        }
        if (count) scan_row(r, count, w, x, w_old, x_old, m0_ + r, 0);
    }
    cur_ ^= 1;
    flush_ = 0;
    resolve();
}

void ArrayCore::os_write_outputs() {
    const GemmShape s = job_.shape;
    stats_.c_writes += static_cast<uint64_t>(mu_) * static_cast<uint64_t>(nu_);
    for (int r = 0; r < mu_; ++r)
        for (int c = 0; c < nu_; ++c)
            job_.c[static_cast<size_t>(m0_ + r) * static_cast<size_t>(s.n) + static_cast<size_t>(n0_ + c)] = psum_[index(r, c)];
}

}  // namespace tesa
