// ws_dataflow.cpp -- weight-stationary cycles. A fold holds B[k0 + r][n0 + c] in PE(r, c) and
// streams the M activation rows through: A[m][k0 + r] enters row r at stream cycle m + r and moves
// one PE right per cycle; partial sums move one PE down per cycle, so output (m, c) leaves the
// bottom row at cycle m + R - 1 + c and is added to C (folds over K accumulate there). During the
// R load cycles the edges drive zeros; the weights switch in the last one.
#include "sc_models/array_core.h"

namespace tesa {

void ArrayCore::ws_load_weights() {
    const GemmShape s = job_.shape;
    stats_.b_reads += static_cast<uint64_t>(ku_) * static_cast<uint64_t>(nu_);
    for (int r = 0; r < rows_; ++r)
        for (int c = 0; c < cols_; ++c) {
            const size_t i = index(r, c);
            const bool valid = r < ku_ && c < nu_;
            const int16_t w = valid ? job_.b[static_cast<size_t>(k0_ + r) * static_cast<size_t>(s.n) + static_cast<size_t>(n0_ + c)] : 0;
            for (Bank& b : bank_) {  // stationary: the same in both banks
                b.weight_valid[i] = valid;
                b.weight[i] = w;
            }
        }
}

void ArrayCore::ws_cycle(bool stream) {
    const GemmShape s = job_.shape;
    const size_t C = static_cast<size_t>(cols_);
    const Bank& old = bank_[cur_];
    Bank& now = bank_[cur_ ^ 1];
    uint8_t* busy = busy_.data();
    // Rows bottom-up, so each row reads the partial sums of the row above before they change.
    for (int r = rows_ - 1; r >= 0; --r) {
        const int m_edge = t_ - r;  // activation row entering this array row now
        const bool edge_valid = stream && r < ku_ && m_edge >= 0 && m_edge < s.m;
        const size_t row = index(r, 0);
        const int16_t* x_old = old.act.data() + row;
        const uint8_t* xv_old = old.act_valid.data() + row;
        int16_t* x = now.act.data() + row;
        uint8_t* xv = now.act_valid.data() + row;
        const int16_t* w = now.weight.data() + row;
        const uint8_t* wv = now.weight_valid.data() + row;
        int32_t* ps = psum_.data() + row;
        x[0] = edge_valid ? job_.a[static_cast<size_t>(m_edge) * static_cast<size_t>(s.k) + static_cast<size_t>(k0_ + r)] : 0;
        xv[0] = edge_valid;
        stats_.a_reads += edge_valid;
        const uint8_t keep = flush_ ^ 1;
        for (size_t c = 1; c < C; ++c) {
            x[c] = x_old[c - 1];
            xv[c] = xv_old[c - 1] & keep;
        }
        unsigned count = 0;
        if (r > 0) {
            const int32_t* above = ps - C;
            for (size_t c = 0; c < C; ++c) {
                const uint8_t b = xv[c] & wv[c];
                busy[c] = b;
                count += b;
                ps[c] = above[c] + (b ? int32_t{w[c]} * x[c] : 0);
            }
        } else {
            for (size_t c = 0; c < C; ++c) {
                const uint8_t b = xv[c] & wv[c];
                busy[c] = b;
                count += b;
                ps[c] = b ? int32_t{w[c]} * x[c] : 0;
            }
        }
        if (count) scan_row(r, count, w, x, w, x_old, t_ - r, -1);  // the weight is held: its previous value is itself
    }
    cur_ ^= 1;
    flush_ = 0;
    resolve();
    if (!stream) return;
    const int32_t* bottom = psum_.data() + index(rows_ - 1, 0);
    for (int c = 0; c < nu_; ++c) {
        const int m = t_ - (rows_ - 1) - c;
        if (m >= 0 && m < s.m) {
            job_.c[static_cast<size_t>(m) * static_cast<size_t>(s.n) + static_cast<size_t>(n0_ + c)] += bottom[c];
            ++stats_.c_writes;
            stats_.c_reads += k0_ > 0;  // the first K fold writes C; later ones read it back
        }
    }
}

}  // namespace tesa
