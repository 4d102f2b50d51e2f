// ws_dataflow.cpp -- weight-stationary cycles. A fold holds B[k0 + r][n0 + c] in PE(r, c) and
// streams the M activation rows through: A[m][k0 + r] enters row r at stream cycle m + r and moves
// one PE right per cycle; partial sums move one PE down per cycle, so output (m, c) leaves the
// bottom row at cycle m + R - 1 + c and is added to C (folds over K accumulate there). During the
// R load cycles the edges drive zeros; the weights switch in the last one.
#include "sc_models/array_core.h"

#include <cstring>

namespace tesa {

void ArrayCore::ws_load_weights() {
    const GemmShape s = job_.shape;
    for (int r = 0; r < rows_; ++r)
        for (int c = 0; c < cols_; ++c) {
            const size_t i = index(r, c);
            const bool valid = r < ku_ && c < nu_;
            weight_valid_[i] = valid;
            weight_[i] = valid ? job_.b[static_cast<size_t>(k0_ + r) * static_cast<size_t>(s.n) + static_cast<size_t>(n0_ + c)] : 0;
        }
}

void ArrayCore::ws_cycle(bool stream) {
    const GemmShape s = job_.shape;
    const size_t C = static_cast<size_t>(cols_);
    // Rows bottom-up, so each row reads the partial sums of the row above before they change.
    for (int r = rows_ - 1; r >= 0; --r) {
        const int m_edge = t_ - r;  // activation row entering this array row now
        const bool edge_valid = stream && r < ku_ && m_edge >= 0 && m_edge < s.m;
        const size_t row = index(r, 0);
        int16_t* act = act_.data() + row;
        uint8_t* av = act_valid_.data() + row;
        const int16_t* w = weight_.data() + row;
        const uint8_t* wv = weight_valid_.data() + row;
        int32_t* ps = psum_.data() + row;
        const int32_t* above = r > 0 ? ps - C : nullptr;
        std::memcpy(old_act_.data(), act, C * sizeof(int16_t));
        std::memmove(act + 1, act, (C - 1) * sizeof(int16_t));
        std::memmove(av + 1, av, C - 1);
        act[0] = edge_valid ? job_.a[static_cast<size_t>(m_edge) * static_cast<size_t>(s.k) + static_cast<size_t>(k0_ + r)] : 0;
        av[0] = edge_valid;
        uint8_t* busy = busy_.data();
        unsigned count = 0;
        for (size_t c = 0; c < C; ++c) {
            const uint8_t b = av[c] & wv[c];
            busy[c] = b;
            count += b;
            ps[c] = (above ? above[c] : 0) + (b ? int32_t{w[c]} * act[c] : 0);
        }
        if (count) scan_row(r, count, w, old_act_.data(), t_ - r, -1);  // the weight is held: its previous value is itself
    }
    resolve();
    if (!stream) return;
    const int32_t* bottom = psum_.data() + index(rows_ - 1, 0);
    for (int c = 0; c < nu_; ++c) {
        const int m = t_ - (rows_ - 1) - c;
        if (m >= 0 && m < s.m) job_.c[static_cast<size_t>(m) * static_cast<size_t>(s.n) + static_cast<size_t>(n0_ + c)] += bottom[c];
    }
}

}  // namespace tesa
