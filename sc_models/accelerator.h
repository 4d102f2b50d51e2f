// accelerator.h -- the accelerator as one SystemC module: register block (TLM target), DMA engine
// (TLM initiator to DRAM), four scratchpads, the cycle-accurate systolic array and the controller
// that runs firmware. The top module owns its children and binds them in its constructor.
#pragma once

#include "sc_models/controller.h"
#include "sc_models/post_processor.h"

#include <memory>

namespace tesa {

struct AcceleratorConfig {
    int rows = 16, cols = 16;
    uint64_t weight_bytes = 256 << 10, activation_bytes = 256 << 10, output_bytes = 512 << 10, parameter_bytes = 16 << 10;
    sc_core::sc_time register_latency = sc_core::sc_time(1, sc_core::SC_NS);
    ControllerConfig controller;
};

class Accelerator : public sc_core::sc_module {
public:
    sc_core::sc_in<bool> clk;
    sc_core::sc_out<bool> irq;

    Accelerator(const sc_core::sc_module_name& name, const AcceleratorConfig& config, MultiplierBackend backend);

    tlm::tlm_target_socket<>& registers() { return regs_.socket; }
    tlm::tlm_initiator_socket<>& dram() { return dma_.socket; }
    const Controller& controller() const { return controller_; }
    Controller& controller() { return controller_; }
    uint64_t dma_bytes() const { return dma_.bytes_moved(); }
    const Scratchpad& scratchpad(fw::Buffer b) const { return *spads_[static_cast<size_t>(b)]; }

private:
    Scratchpad weights_, activations_, outputs_, parameters_;
    std::array<Scratchpad*, 4> spads_;
    RegisterBlock regs_;
    DmaEngine dma_;
    SystolicArray array_;
    Controller controller_;
};

}  // namespace tesa
