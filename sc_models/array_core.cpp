// array_core.cpp -- job set-up, fold sequencing, the slow-cycle corrections and the end-of-job
// statistics of the systolic array.
#include "sc_models/array_core.h"

#include "common/error.h"

#include <algorithm>

namespace tesa {

ArrayCore::ArrayCore(int rows, int cols, MultiplierBackend backend) : rows_(rows), cols_(cols), backend_(std::move(backend)) {
    if (rows < 1 || cols < 1 || rows > 1024 || cols > 1024)
        fail("systolic array size " + std::to_string(rows) + "x" + std::to_string(cols) + " out of range (1..1024 each)");
    const size_t n = static_cast<size_t>(rows) * static_cast<size_t>(cols);
    for (Bank& b : bank_) {
        b.weight.assign(n, 0);
        b.act.assign(n, 0);
        b.weight_valid.assign(n, 0);
        b.act_valid.assign(n, 0);
    }
    psum_.assign(n, 0);
    busy_.assign(static_cast<size_t>(cols), 0);
    pending_.reserve(n);
    transitions_.reserve(n);
    exact_.reserve(n);
    captured_.reserve(n);
}

void ArrayCore::begin(const GemmJob& job) {
    const GemmShape s = job.shape;
    if (s.m < 1 || s.n < 1 || s.k < 1)
        fail("GEMM shape M=" + std::to_string(s.m) + " N=" + std::to_string(s.n) + " K=" + std::to_string(s.k) + " must be positive");
    if (!job.a || !job.b || !job.c) fail("GEMM job without operand or result buffers");
    if (!(job.regulation >= 0 && job.regulation <= 1)) fail("regulation " + std::to_string(job.regulation) + " is not a probability");
    job_ = job;
    stats_ = GemmStats();
    std::fill(job.c, job.c + static_cast<size_t>(s.m) * static_cast<size_t>(s.n), 0);
    output_error_.assign(static_cast<size_t>(s.m) * static_cast<size_t>(s.n), 0);
    rng_.reseed(job.seed);
    always_slow_ = job.regulation >= 1;
    feed_all_ = backend_.feeds_every_cycle();
    log_keep_ = always_slow_ || job.regulation <= 0 ? 0 : std::log1p(-job.regulation);
    until_slow_ = next_gap();
    m0_ = n0_ = k0_ = 0;
    running_ = true;
    start_fold();
}

void ArrayCore::start_fold() {
    ++stats_.folds;
    // A fold boundary flushes the valid bits (data of the last fold still in flight in unused
    // rows / columns must not meet the new fold's operands): the fold's first cycle shifts in 0
    // instead of a neighbour's bit, as the hardware PE's flush input does; operand values stay.
    flush_ = 1;
    const GemmShape s = job_.shape;
    t_ = 0;
    if (job_.dataflow == Dataflow::WeightStationary) {
        ku_ = std::min(rows_, s.k - k0_);
        nu_ = std::min(cols_, s.n - n0_);
        phase_ = Phase::Load;
        phase_len_ = rows_;
    } else {
        mu_ = std::min(rows_, s.m - m0_);
        nu_ = std::min(cols_, s.n - n0_);
        phase_ = Phase::Compute;
        phase_len_ = s.k + mu_ + nu_ - 2;
        std::fill(psum_.begin(), psum_.end(), 0);
    }
}

void ArrayCore::step() {
    if (!running_) return;
    last_ = {phase_, t_};
    switch (phase_) {
        case Phase::Load:
            if (t_ == phase_len_ - 1) ws_load_weights();
            ws_cycle(false);
            break;
        case Phase::Stream: ws_cycle(true); break;
        case Phase::Compute: os_cycle(true); break;
        case Phase::Drain:
            os_cycle(false);
            if (t_ == phase_len_ - 1) os_write_outputs();
            break;
    }
    ++stats_.cycles;
    stats_.pe_cycles += static_cast<uint64_t>(rows_) * static_cast<uint64_t>(cols_);
    if (++t_ < phase_len_) return;

    const GemmShape s = job_.shape;
    t_ = 0;
    if (phase_ == Phase::Load) {
        phase_ = Phase::Stream;
        phase_len_ = s.m + rows_ + nu_ - 2;
        return;
    }
    if (phase_ == Phase::Compute) {
        phase_ = Phase::Drain;
        phase_len_ = rows_;
        return;
    }
    // a fold ended: WS walks K inside N, OS walks N inside M
    if (job_.dataflow == Dataflow::WeightStationary) {
        if ((k0_ += rows_) >= s.k) {
            k0_ = 0;
            n0_ += cols_;
        }
        if (n0_ >= s.n) return finish();
    } else {
        if ((n0_ += cols_) >= s.n) {
            n0_ = 0;
            m0_ += rows_;
        }
        if (m0_ >= s.m) return finish();
    }
    start_fold();
}

void ArrayCore::record(TraceWindow window) {
    if (!window.pes.empty() && window.pes.size() != psum_.size()) fail("trace PE selection does not match the array size");
    window_ = std::move(window);
    recording_ = true;
}

GemmStats ArrayCore::run(const GemmJob& job) {
    begin(job);
    while (running_) step();
    return stats_;
}

void ArrayCore::enqueue(uint32_t idx, int16_t w_prev, int16_t x_prev, int16_t w, int16_t x, int32_t exact, int m, int n, bool slow) {
    if (slow) {
        ++stats_.slow_cycles;
        until_slow_ = next_gap();
    }
    const bool feed = slow || feed_all_;
    const uint16_t prev = Pe::pack(static_cast<int8_t>(w_prev), static_cast<int8_t>(x_prev), job_.weight_port);
    const uint16_t cur = Pe::pack(static_cast<int8_t>(w), static_cast<int8_t>(x), job_.weight_port);
    int64_t rec = -1;
    if (recording_ && in_window(idx)) {
        rec = static_cast<int64_t>(records_.size());
        records_.push_back({stats_.cycles, static_cast<uint16_t>(idx / static_cast<uint32_t>(cols_)),
                            static_cast<uint16_t>(idx % static_cast<uint32_t>(cols_)), prev, cur, exact, exact, m, n, slow});
    }
    if (!feed) return;
    if (backend_.is_fast()) {  // look up now: the row below has already read this PE's old psum
        const uint16_t captured = backend_.capture_fast(prev, cur, static_cast<uint16_t>(exact));
        if (captured != static_cast<uint16_t>(exact)) apply_wrong(idx, exact, captured, m, n, rec);
        return;
    }
    pending_.push_back({idx, exact, m, n, slow, rec});
    transitions_.push_back({prev, cur});
}

void ArrayCore::apply_wrong(uint32_t idx, int32_t exact, uint16_t captured, int m, int n, int64_t rec) {
    const int32_t delta = static_cast<int32_t>(static_cast<int16_t>(captured)) - exact;
    psum_[idx] += delta;
    output_error_[static_cast<size_t>(m) * static_cast<size_t>(job_.shape.n) + static_cast<size_t>(n)] += delta;
    if (rec >= 0) records_[static_cast<size_t>(rec)].product += delta;
    ++stats_.wrong_products;
}

void ArrayCore::scan_row(int r, uint64_t count, const int16_t* w, const int16_t* x, const int16_t* w_prev, const int16_t* x_prev,
                         int m_of_col0, int m_step) {
    const size_t row = index(r, 0);
    const uint8_t* busy = busy_.data();
    stats_.busy_pe_cycles += count;
    auto queue = [&](int c, bool slow) {
        const size_t i = row + static_cast<size_t>(c);
        enqueue(static_cast<uint32_t>(i), w_prev[c], x_prev[c], w[c], x[c], int32_t{w[c]} * x[c], m_of_col0 + m_step * c,
                n0_ + c, slow);
    };
    if (feed_all_ || recording_) {  // every busy PE, in column order
        for (int c = 0; c < cols_; ++c) {
            if (!busy[c]) continue;
            const bool slow = until_slow_ == 0;
            if (!slow) --until_slow_;
            queue(c, slow);
        }
        return;
    }
    // Only the slow ones: skip until_slow_ busy PEs at a time (enqueue draws the next gap).
    int c = 0;
    while (until_slow_ < count) {
        count -= until_slow_ + 1;
        for (uint64_t skip = until_slow_;; ++c)
            if (busy[c] && skip-- == 0) break;
        queue(c++, true);
    }
    until_slow_ -= count;
}

void ArrayCore::resolve() {
    const size_t n = pending_.size();
    if (n == 0) return;
    exact_.resize(n);
    captured_.resize(n);
    for (size_t i = 0; i < n; ++i) exact_[i] = static_cast<uint16_t>(pending_[i].exact);
    backend_.capture(transitions_.data(), exact_.data(), captured_.data(), n);
    for (size_t i = 0; i < n; ++i) {
        const Pending& q = pending_[i];
        if (q.slow && captured_[i] != exact_[i]) apply_wrong(q.pe, q.exact, captured_[i], q.m, q.n, q.record);
    }
    pending_.clear();
    transitions_.clear();
}

void ArrayCore::finish() {
    running_ = false;
    stats_.wrong_outputs = static_cast<uint64_t>(std::count_if(output_error_.begin(), output_error_.end(), [](int32_t e) { return e != 0; }));
}

}  // namespace tesa
