// array_core.h -- the cycle-accurate R x C systolic array as plain C++: the registers of all PEs
// as flat per-register arrays (row-major; a row shifts or adds as one vector operation) and a
// step() that advances the whole array by one clock cycle. The SystemC
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

#include <cmath>
#include <cstdint>
#include <vector>

namespace tesa {

// One busy PE-cycle as a trace records it (ArrayCore::record).
struct PeCycleRecord {
    uint64_t cycle;              // cycles since the job started
    uint16_t row, col;
    uint16_t previous, current;  // multiplier operand pairs a | b << 8
    int32_t exact, product;      // the exact product and the one the PE added
    int32_t m, n;                // the output it contributes to
    bool slow;
};

// Which busy PE-cycles to record: a window of cycles (since the job's start) and a set of PEs.
struct TraceWindow {
    uint64_t first_cycle = 0, last_cycle = 0;  // inclusive
    std::vector<bool> pes;                     // rows x cols, row-major; empty = all
};

class ArrayCore {
public:
    enum class Phase { Load, Stream, Compute, Drain };  // WS: Load, Stream; OS: Compute, Drain
    struct CycleInfo {  // one cycle of the schedule: its phase and its index inside the phase
        Phase phase = Phase::Load;
        int cycle = 0;
    };

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
    // The cycle step() ran last: what a hardware controller decodes into its PE controls (the RTL
    // PE test, tests/sc_models/mac_pe_test.cpp, drives load / flush / clear / drain from it).
    CycleInfo last_cycle() const { return last_; }
    // C - exact GEMM of the last job (M x N), the sum of the corrections that reached each output.
    const std::vector<int32_t>& output_errors() const { return output_error_; }
    Pe pe(int r, int c) const {  // the registers of one PE
        const size_t i = static_cast<size_t>(r) * static_cast<size_t>(cols_) + static_cast<size_t>(c);
        Pe p;
        const Bank& b = bank_[cur_];
        p.weight = b.weight[i];
        p.act = b.act[i];
        p.weight_valid = b.weight_valid[i] != 0;
        p.act_valid = b.act_valid[i] != 0;
        p.psum = psum_[i];
        return p;
    }

    // Records the busy PE-cycles inside `window` of the following jobs (records()).
    void record(TraceWindow window);
    void stop_recording() { recording_ = false; }
    std::vector<PeCycleRecord>& records() { return records_; }

private:
    struct Pending {  // a transition handed to the multiplier back-end this cycle
        uint32_t pe;
        int32_t exact;
        int32_t m, n;  // the output it contributes to
        bool slow;
        int64_t record;  // index into records_, or -1
    };

    size_t index(int r, int c) const { return static_cast<size_t>(r) * static_cast<size_t>(cols_) + static_cast<size_t>(c); }
    // After a row's vector update (`count` busy PEs, flagged in busy_): hand the slow ones (or, for
    // co-simulation and traces, all busy ones) to enqueue; w / x are the row's operands now,
    // w_prev / x_prev one cycle earlier; PE c contributes to output (m_of_col0 + m_step c, n0 + c).
    void scan_row(int r, uint64_t count, const int16_t* w, const int16_t* x, const int16_t* w_prev, const int16_t* x_prev,
                  int m_of_col0, int m_step);
    void start_fold();
    void ws_cycle(bool stream);
    void ws_load_weights();
    void os_cycle(bool compute);
    void os_write_outputs();
    void finish();

    void enqueue(uint32_t idx, int16_t w_prev, int16_t x_prev, int16_t w, int16_t x, int32_t exact, int m, int n, bool slow);
    bool in_window(uint32_t idx) const {
        return stats_.cycles >= window_.first_cycle && stats_.cycles <= window_.last_cycle && (window_.pes.empty() || window_.pes[idx]);
    }
    void resolve();
    void apply_wrong(uint32_t idx, int32_t exact, uint16_t captured, int m, int n, int64_t rec);
    // Busy cycles before the next slow one: Geometric(regulation) by inversion, never for 0.
    uint64_t next_gap() {
        if (always_slow_) return 0;
        if (log_keep_ == 0) return UINT64_MAX;
        const double u = (static_cast<double>(rng_.next() >> 11) + 0.5) * 0x1.0p-53;  // (0, 1)
        const double g = std::floor(std::log(u) / log_keep_);
        return g >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(g);
    }

    int rows_, cols_;
    MultiplierBackend backend_;
    // The moving registers, rows x cols each, in two banks: a cycle reads bank cur_ (the values
    // of the cycle before, which are also the multipliers' previous operands) and writes the
    // other. Stationary weights (WS) are written to both.
    struct Bank {
        std::vector<int16_t> weight, act;
        std::vector<uint8_t> weight_valid, act_valid;
    };
    Bank bank_[2];
    int cur_ = 0;
    std::vector<int32_t> psum_;  // partial sums move down in place, rows bottom-up
    std::vector<uint8_t> busy_;  // one row

    GemmJob job_;
    GemmStats stats_;
    bool running_ = false;
    Phase phase_ = Phase::Load;
    int t_ = 0, phase_len_ = 0;
    CycleInfo last_;
    uint8_t flush_ = 0;  // the next cycle is a fold's first: valid bits from neighbours read as 0
    int m0_ = 0, n0_ = 0, k0_ = 0, mu_ = 0, nu_ = 0, ku_ = 0;

    Rng rng_;
    bool always_slow_ = false;
    bool feed_all_ = false;    // the back-end takes every busy cycle (co-simulation)
    double log_keep_ = 0;      // log(1 - regulation); 0 when no cycle is slow
    uint64_t until_slow_ = 0;  // busy cycles left before the next slow one
    std::vector<Pending> pending_;
    std::vector<MulTransition> transitions_;
    std::vector<uint16_t> exact_, captured_;
    std::vector<int32_t> output_error_;
    bool recording_ = false;
    TraceWindow window_;
    std::vector<PeCycleRecord> records_;
};

}  // namespace tesa
