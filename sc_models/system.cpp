// system.cpp -- construction and binding of the SoC.
#include "sc_models/system.h"

#include "common/error.h"

namespace tesa {

namespace {

AcceleratorConfig with_clock_mode(const SystemConfig& c) {
    AcceleratorConfig a = c.accelerator;
    a.controller.clocked_array = c.clocked_array;
    a.controller.clock_ns = c.clock_ns;
    return a;
}

}  // namespace

System::System(const sc_core::sc_module_name& name, const SystemConfig& c, MultiplierBackend backend)
    : sc_core::sc_module(name),
      still_clock_("still_clock"),
      irq_("irq"),
      dram_("dram", c.dram_bytes, sc_core::sc_time(c.dram_latency_ns, sc_core::SC_NS), c.dram_bytes_per_ns),
      bus_("bus"),
      accelerator_("accelerator", with_clock_mode(c), std::move(backend)),
      host_("host", kRegisterBase) {
    if (c.dram_bytes > kRegisterBase) fail("system: DRAM larger than the register window's base (1 GiB)");
    bus_.map(0, c.dram_bytes);
    bus_.initiators.bind(dram_.socket);
    bus_.map(kRegisterBase, RegisterBlock::kSize);
    bus_.initiators.bind(accelerator_.registers());
    host_.socket.bind(bus_.targets);
    accelerator_.dram().bind(bus_.targets);
    if (c.clocked_array) {
        clock_ = std::make_unique<sc_core::sc_clock>("clock", sc_core::sc_time(c.clock_ns, sc_core::SC_NS));
        accelerator_.clk(*clock_);
    } else {
        accelerator_.clk(still_clock_);
    }
    accelerator_.irq(irq_);
    host_.irq(irq_);
}

}  // namespace tesa
