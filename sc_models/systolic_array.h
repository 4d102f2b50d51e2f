// systolic_array.h -- the systolic array as a SystemC module: one clocked process (on the rising
// edge of `clk`) advances the whole ArrayCore by one cycle over its plain PE arrays -- no process
// per PE. A controller starts a GEMM with start() and waits for done_event(); a host outside the
// simulation (tesa gemm, tests) calls run_gemm(), which starts the job and runs the kernel until
// the array pauses it at the end of the job.
#pragma once

#include "sc_models/array_core.h"

#include <systemc>

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

private:
    void on_clock();

    ArrayCore core_;
    sc_core::sc_event done_;
    bool pause_when_done_ = false;
};

}  // namespace tesa
