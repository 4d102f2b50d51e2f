// systolic_array.cpp -- the clocked process and the host-side run of one GEMM.
#include "sc_models/systolic_array.h"

namespace tesa {

SystolicArray::SystolicArray(const sc_core::sc_module_name& name, int rows, int cols, MultiplierBackend backend)
    : sc_core::sc_module(name), clk("clk"), core_(rows, cols, std::move(backend)) {
    SC_HAS_PROCESS(SystolicArray);
    SC_METHOD(on_clock);
    sensitive << clk.pos();
    dont_initialize();
}

void SystolicArray::start(const GemmJob& job) { core_.begin(job); }

void SystolicArray::on_clock() {
    if (!core_.running()) return;
    core_.step();
    if (core_.running()) return;
    done_.notify(sc_core::SC_ZERO_TIME);
    if (pause_when_done_) sc_core::sc_pause();
}

GemmStats SystolicArray::run_gemm(const GemmJob& job) {
    start(job);
    pause_when_done_ = true;
    sc_core::sc_start();
    pause_when_done_ = false;
    return core_.stats();
}

}  // namespace tesa
