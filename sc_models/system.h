// system.h -- the whole SoC for one simulation: host CPU, system bus, DRAM and the accelerator,
// with the clock and the interrupt line. DRAM sits at address 0, the accelerator's registers at
// kRegisterBase. Build one per simulation context (fresh_simulation_context()).
#pragma once

#include "sc_models/accelerator.h"
#include "sc_models/bus.h"
#include "sc_models/host.h"
#include "sc_models/memory.h"

#include <memory>

namespace tesa {

struct SystemConfig {
    AcceleratorConfig accelerator;
    uint64_t dram_bytes = 64ull << 20;
    double dram_latency_ns = 50;       // per transaction
    double dram_bytes_per_ns = 12.8;   // a 64-bit DDR4-1600 channel
    double clock_ns = 1.0;             // the accelerator clock period
    // false: temporal decoupling (ControllerConfig::clocked_array): no sc_clock at all, so the
    // kernel has no event per clock edge; results, cycles and times are the same.
    bool clocked_array = false;
};

class System : public sc_core::sc_module {
public:
    static constexpr uint64_t kRegisterBase = 0x40000000;

    System(const sc_core::sc_module_name& name, const SystemConfig& config, MultiplierBackend backend);

    Host& host() { return host_; }
    Accelerator& accelerator() { return accelerator_; }
    Memory& dram() { return dram_; }

private:
    std::unique_ptr<sc_core::sc_clock> clock_;  // only for the clocked array
    sc_core::sc_signal<bool> still_clock_;       // the array's clock input otherwise
    sc_core::sc_signal<bool> irq_;
    Memory dram_;
    Bus bus_;
    Accelerator accelerator_;
    Host host_;
};

}  // namespace tesa
