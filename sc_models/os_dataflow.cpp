// os_dataflow.cpp -- output-stationary cycles. PE(r, c) accumulates C[m0 + r][n0 + c]:
// A[m0 + r][k] enters row r at cycle k + r and moves right, B[k][n0 + c] enters column c at cycle
// k + c and moves down, so they meet in PE(r, c) at cycle k + r + c; both operands change every
// cycle. After the K + Mu + Nu - 2 compute cycles the accumulators drain through the bottom edge
// in R cycles (the edges drive zeros meanwhile) and are written to C.
#include "sc_models/array_core.h"

#include <cstring>

namespace tesa {

void ArrayCore::os_cycle(bool compute) {
    const GemmShape s = job_.shape;
    const size_t C = static_cast<size_t>(cols_);
    // Rows bottom-up, so each row takes the weights of the row above before they move.
    for (int r = rows_ - 1; r >= 0; --r) {
        const int k_left = t_ - r;
        const bool left_valid = compute && r < mu_ && k_left >= 0 && k_left < s.k;
        const size_t row = index(r, 0);
        int16_t* act = act_.data() + row;
        uint8_t* av = act_valid_.data() + row;
        int16_t* w = weight_.data() + row;
        uint8_t* wv = weight_valid_.data() + row;
        int32_t* ps = psum_.data() + row;
        std::memcpy(old_act_.data(), act, C * sizeof(int16_t));
        std::memcpy(old_weight_.data(), w, C * sizeof(int16_t));
        std::memmove(act + 1, act, (C - 1) * sizeof(int16_t));
        std::memmove(av + 1, av, C - 1);
        act[0] = left_valid ? job_.a[static_cast<size_t>(m0_ + r) * static_cast<size_t>(s.k) + static_cast<size_t>(k_left)] : 0;
        av[0] = left_valid;
        if (r > 0) {
            std::memcpy(w, w - C, C * sizeof(int16_t));
            std::memcpy(wv, wv - C, C);
        } else {
            for (size_t c = 0; c < C; ++c) {
                const int k_top = t_ - static_cast<int>(c);
                const bool valid = compute && static_cast<int>(c) < nu_ && k_top >= 0 && k_top < s.k;
                wv[c] = valid;
                w[c] = valid ? job_.b[static_cast<size_t>(k_top) * static_cast<size_t>(s.n) + static_cast<size_t>(n0_) + c] : 0;
            }
        }
        uint8_t* busy = busy_.data();
        unsigned count = 0;
        for (size_t c = 0; c < C; ++c) {
            const uint8_t b = av[c] & wv[c];
            busy[c] = b;
            count += b;
            ps[c] += b ? int32_t{w[c]} * act[c] : 0;
        }
        if (count) scan_row(r, count, old_weight_.data(), old_act_.data(), m0_ + r, 0);
    }
    resolve();
}

void ArrayCore::os_write_outputs() {
    const GemmShape s = job_.shape;
    for (int r = 0; r < mu_; ++r)
        for (int c = 0; c < nu_; ++c)
            job_.c[static_cast<size_t>(m0_ + r) * static_cast<size_t>(s.n) + static_cast<size_t>(n0_ + c)] = psum_[index(r, c)];
}

}  // namespace tesa
