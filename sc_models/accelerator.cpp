// accelerator.cpp -- construction and binding of the accelerator's parts.
#include "sc_models/accelerator.h"

namespace tesa {

Accelerator::Accelerator(const sc_core::sc_module_name& name, const AcceleratorConfig& c, MultiplierBackend backend)
    : sc_core::sc_module(name),
      clk("clk"),
      irq("irq"),
      weights_("weights", c.weight_bytes),
      activations_("activations", c.activation_bytes),
      outputs_("outputs", c.output_bytes),
      parameters_("parameters", c.parameter_bytes),
      spads_{&weights_, &activations_, &outputs_, &parameters_},
      regs_("regs", c.register_latency),
      dma_("dma", spads_),
      array_("array", c.rows, c.cols, std::move(backend)),
      controller_("controller", regs_, dma_, array_, spads_, c.controller) {
    array_.clk(clk);
    regs_.irq(irq);
}

}  // namespace tesa
