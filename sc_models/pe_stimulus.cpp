// pe_stimulus.cpp -- the PE input decoding, step by step.
#include "sc_models/pe_stimulus.h"

namespace tesa {

PeStimulus::PeStimulus(const ArrayCore& core, Dataflow dataflow)
    : core_(core), os_(dataflow == Dataflow::OutputStationary), rows_(core.rows()), cols_(core.cols()) {
    const size_t n = static_cast<size_t>(rows_ * cols_);
    in_.assign(n, PeInputs());
    now_.assign(n, Pe());
    before_.assign(n, Pe());
    psum_lag_.assign(n, 0);
    last_psum_.assign(n, 0);
    snapshot_.assign(n, 0);
}

void PeStimulus::after_step() {
    const ArrayCore::CycleInfo info = core_.last_cycle();
    if (os_ && info.phase == ArrayCore::Phase::Drain && info.cycle == 0) snapshot_ = last_psum_;
    for (int r = 0; r < rows_; ++r)
        for (int c = 0; c < cols_; ++c) now_[static_cast<size_t>(r * cols_ + c)] = core_.pe(r, c);
    edge(&info);
    for (size_t i = 0; i < now_.size(); ++i) last_psum_[i] = now_[i].psum;
    if (os_ && info.phase == ArrayCore::Phase::Drain) last_psum_ = snapshot_;  // held: ArrayCore zeroes it after the last drain
    before_ = now_;
    prev_ = info;
}

void PeStimulus::final_edge() {
    for (Pe& p : now_) p = Pe();  // no operands on the edges
    edge(nullptr);
    prev_ = {ArrayCore::Phase::Load, -1};
}

void PeStimulus::edge(const ArrayCore::CycleInfo* info) {
    using Phase = ArrayCore::Phase;
    const bool fold_start = info && info->cycle == 0 && info->phase == (os_ ? Phase::Compute : Phase::Load);
    const auto at = [this](int r, int c) { return static_cast<size_t>(r * cols_ + c); };
    for (int r = 0; r < rows_; ++r)
        for (int c = 0; c < cols_; ++c) {
            PeInputs& p = in_[at(r, c)];
            p = PeInputs();
            const Pe& left = c == 0 ? now_[at(r, 0)] : before_[at(r, c - 1)];  // the edge drives this period's operand
            p.act = static_cast<uint8_t>(left.act), p.act_valid = left.act_valid;
            p.flush = fold_start && (r != 0 || c != 0);
            if (os_) {
                const Pe& above = r == 0 ? now_[at(0, c)] : before_[at(r - 1, c)];
                p.weight = static_cast<uint8_t>(above.weight), p.weight_valid = above.weight_valid;
                p.drain = prev_.phase == Phase::Drain;
            } else if (info && info->phase == Phase::Load && info->cycle == rows_ - 1) {
                p.load = 1;
                p.weight = static_cast<uint8_t>(now_[at(r, c)].weight), p.weight_valid = now_[at(r, c)].weight_valid;
            }
            p.psum = r == 0 ? 0u : static_cast<uint32_t>(psum_lag_[at(r - 1, c)]);
        }
    // The partial-sum registers after this edge: one period behind ArrayCore, shifting during a drain.
    for (int r = 0; r < rows_; ++r)
        for (int c = 0; c < cols_; ++c) {
            int32_t v = last_psum_[at(r, c)];
            if (os_ && prev_.phase == Phase::Drain) v = r - (prev_.cycle + 1) >= 0 ? snapshot_[at(r - (prev_.cycle + 1), c)] : 0;
            psum_lag_[at(r, c)] = v;
        }
}

}  // namespace tesa
