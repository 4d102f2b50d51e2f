// array_core.h -- the cycle-accurate R x C systolic array as plain C++: the state of every PE in
// one flat array and a step() that advances the whole array by one clock cycle. The SystemC
// module (systolic_array.h) calls step() from its single clocked process; tests and sweeps may
// call it directly.
//
// Each busy PE-cycle is "slow" with probability `regulation` (seeded; 1.0 = a deterministically
// over-clocked die): a slow cycle adds the product the multiplier captured after the transition
// from its previous to its current operands, others the exact product. The PE datapath (psum /
// accumulator) carries the captured value; the difference is also recorded per output so that
// wrong outputs can be counted exactly. Dataflow cycles live in ws_dataflow.cpp / os_dataflow.cpp.
#pragma once

#include "common/rng.h"
#include "sc_models/gemm.h"
#include "sc_models/multiplier_backend.h"
#include "sc_models/pe.h"

#include <vector>

namespace tesa {

class ArrayCore {
public:
    ArrayCore(int rows, int cols, MultiplierBackend backend);

    int rows() const { return rows_; }
    int cols() const { return cols_; }
    const MultiplierBackend& backend() const { return backend_; }

    // Starts a job (checks it; zeroes C). The buffers must outlive the job.
    void begin(const GemmJob& job);
    bool running() const { return running_; }
    void step();                        // one clock cycle (no-op when not running)
    GemmStats run(const GemmJob& job);  // begin + step until done

    const GemmStats& stats() const { return stats_; }  // of the current / last job
    // C - exact GEMM of the last job (M x N), the sum of the corrections that reached each output.
    const std::vector<int32_t>& output_errors() const { return output_error_; }
    const Pe& pe(int r, int c) const { return pes_[static_cast<size_t>(r) * static_cast<size_t>(cols_) + static_cast<size_t>(c)]; }
    uint64_t cycle() const { return cycle_; }  // cycles since construction

private:
    enum class Phase { Load, Stream, Compute, Drain };
    struct Pending {  // a transition handed to the multiplier back-end this cycle
        uint32_t pe;
        int32_t exact;
        int32_t m, n;  // the output it contributes to
        bool slow;
    };

    Pe& at(int r, int c) { return pes_[static_cast<size_t>(r) * static_cast<size_t>(cols_) + static_cast<size_t>(c)]; }
    void start_fold();
    void ws_cycle(bool stream);
    void ws_load_weights();
    void os_cycle(bool compute);
    void os_write_outputs();
    void finish();

    // Per busy PE-cycle: count it, draw slow, and queue it for the back-end when needed.
    void busy(uint32_t idx, uint16_t prev, uint16_t cur, int32_t exact, int m, int n) {
        ++stats_.busy_pe_cycles;
        const bool slow = always_slow_ || (threshold_ && rng_.next() < threshold_);
        stats_.slow_cycles += slow;
        if (slow || backend_.feeds_every_cycle()) {
            pending_.push_back({idx, exact, m, n, slow});
            transitions_.push_back({prev, cur});
        }
    }
    void resolve();

    int rows_, cols_;
    MultiplierBackend backend_;
    std::vector<Pe> pes_;
    uint64_t cycle_ = 0;

    GemmJob job_;
    GemmStats stats_;
    bool running_ = false;
    Phase phase_ = Phase::Load;
    int t_ = 0, phase_len_ = 0;
    int m0_ = 0, n0_ = 0, k0_ = 0, mu_ = 0, nu_ = 0, ku_ = 0;

    Rng rng_;
    bool always_slow_ = false;
    uint64_t threshold_ = 0;
    std::vector<Pending> pending_;
    std::vector<MulTransition> transitions_;
    std::vector<uint16_t> exact_, captured_;
    std::vector<int32_t> output_error_;
};

}  // namespace tesa
