// systolic_array.h -- the systolic array as a SystemC module: one clocked process (on the rising
// edge of `clk`) advances the whole ArrayCore by one cycle over its plain PE arrays -- no process
// per PE. A controller starts a GEMM with start() and waits for done_event(); a host outside the
// simulation (tesa gemm, tests) calls run_gemm(), which starts the job and runs the kernel until
// the array pauses it at the end of the job.
#pragma once

#include "sc_models/array_core.h"

#include <systemc>

#include <string>
#include <utility>
#include <vector>

namespace tesa {

class SystolicArray : public sc_core::sc_module {
public:
    sc_core::sc_in<bool> clk;

    SystolicArray(const sc_core::sc_module_name& name, int rows, int cols, MultiplierBackend backend);

    void start(const GemmJob& job);  // from a process, or before sc_start()
    const sc_core::sc_event& done_event() const { return done_; }
    // Host-side: start `job`, simulate until it is done (sc_pause), return its statistics.
    GemmStats run_gemm(const GemmJob& job);

    const ArrayCore& core() const { return core_; }
    ArrayCore& core() { return core_; }

    // Writes a VCD of the registers of `pes` ((row, column) pairs) over the job cycles
    // [first, last] (values hold outside the window). Call before the simulation starts; the
    // file appears (atomically) when close_vcd() runs or the module is destroyed.
    void trace_vcd(const std::string& file, const std::vector<std::pair<int, int>>& pes, uint64_t first, uint64_t last);
    void close_vcd();
    ~SystolicArray() override;

private:
    struct Probe {  // what the VCD shows of one PE
        int row = 0, col = 0;
        int act = 0, weight = 0, psum = 0, product = 0;
        bool act_valid = false, weight_valid = false, busy = false, slow = false, wrong = false;
    };
    void on_clock();
    void sample_probes();

    ArrayCore core_;
    sc_core::sc_event done_;
    bool pause_when_done_ = false;
    std::vector<Probe> probes_;  // sized once, before sc_trace takes their addresses
    sc_core::sc_trace_file* vcd_ = nullptr;
    std::string vcd_file_, vcd_tmp_;
    uint64_t vcd_first_ = 0, vcd_last_ = 0;
};

}  // namespace tesa
