// ws_dataflow.cpp -- weight-stationary cycles. A fold holds B[k0 + r][n0 + c] in PE(r, c) and
// streams the M activation rows through: A[m][k0 + r] enters row r at stream cycle m + r and moves
// one PE right per cycle; partial sums move one PE down per cycle, so output (m, c) leaves the
// bottom row at cycle m + R - 1 + c and is added to C (folds over K accumulate there). During the
// R load cycles the edges drive zeros; the weights switch in the last one.
#include "sc_models/array_core.h"

namespace tesa {

void ArrayCore::ws_load_weights() {
    const GemmShape s = job_.shape;
    for (int r = 0; r < rows_; ++r)
        for (int c = 0; c < cols_; ++c) {
            Pe& p = at(r, c);
            p.weight_valid = r < ku_ && c < nu_;
            p.weight = p.weight_valid ? job_.b[static_cast<size_t>(k0_ + r) * static_cast<size_t>(s.n) + static_cast<size_t>(n0_ + c)] : 0;
        }
}

void ArrayCore::ws_cycle(bool stream) {
    const GemmShape s = job_.shape;
    // Rows bottom-up and columns right to left, so each neighbour is read before it is updated.
    for (int r = rows_ - 1; r >= 0; --r) {
        const int m_edge = t_ - r;  // activation row entering this array row now
        const bool edge_valid = stream && r < ku_ && m_edge >= 0 && m_edge < s.m;
        const int16_t edge = edge_valid ? job_.a[static_cast<size_t>(m_edge) * static_cast<size_t>(s.k) + static_cast<size_t>(k0_ + r)] : 0;
        for (int c = cols_ - 1; c >= 0; --c) {
            Pe& p = at(r, c);
            const int16_t w_prev = p.weight, x_prev = p.act;
            if (c > 0) {
                const Pe& left = at(r, c - 1);
                p.act = left.act;
                p.act_valid = left.act_valid;
            } else {
                p.act = edge;
                p.act_valid = edge_valid;
            }
            const int32_t above = r > 0 ? at(r - 1, c).psum : 0;
            if (!p.busy()) {
                p.psum = above;
                continue;
            }
            const int32_t exact = static_cast<int32_t>(p.weight) * p.act;
            p.psum = above + exact;
            busy(static_cast<uint32_t>(r * cols_ + c), w_prev, x_prev, p.weight, p.act, exact, t_ - r - c, n0_ + c);
        }
    }
    resolve();
    if (!stream) return;
    for (int c = 0; c < nu_; ++c) {
        const int m = t_ - (rows_ - 1) - c;
        if (m >= 0 && m < s.m) job_.c[static_cast<size_t>(m) * static_cast<size_t>(s.n) + static_cast<size_t>(n0_ + c)] += at(rows_ - 1, c).psum;
    }
}

}  // namespace tesa
