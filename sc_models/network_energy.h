// network_energy.h -- energy per inference of a network's conv and fc layers on the systolic
// array, at any supply voltage between the Liberty corners and any clock.
//
// Measurement (measure_network_energy): each conv/fc layer's GEMM of one forward pass (one test
// image; the array's operand layout, array_inference.h) is run on the array and measured by
// measure_pe_energy (pe_energy.h) with a VoltageScaling: the layer's energy per busy and per idle
// PE-cycle as a function of (V, T_clk). Dynamic energy per period does not depend on the clock, so
// one measurement gives every clock; leakage is charged per period (x T_clk).
// Counting (count_array_cycles): a network's busy and idle PE-cycles per layer, from the array
// running each layer's GEMM (exact products; cheap). A mitigated variant (EAQ: other weight values;
// WD+EAQ: extra GEMM rows) is counted on its own GEMMs and priced with the per-cycle energies
// measured on the nearest-rounded network's streams: the approximation is that the variant's
// operand statistics per cycle are those of the network it was derived from.
// Scope: the array's PEs only (no scratchpads, DRAM, clock tree or controller); zero-delay
// activity unless pe.glitches adds the multiplier's glitches (pe_energy.h).
#pragma once

#include "networks/quantize.h"
#include "sc_models/pe_energy.h"

#include <cstdint>
#include <vector>

namespace tesa {

struct LayerCycles {
    int layer = 0;           // index in the model
    GemmShape shape;         // as the array runs it (K includes WD's extra rows)
    GemmStats stats;
    uint64_t busy() const { return stats.busy_pe_cycles; }
    uint64_t idle() const { return stats.pe_cycles - stats.busy_pe_cycles; }
};

struct LayerEnergy {
    LayerCycles cycles;  // of the measured network
    PeEnergyResult pe;   // busy_model / idle_model: energy per PE-cycle at (V, T)
    // busy x E_busy(V, T) + idle x E_idle(V, T) over `c` (a bucket without a model has no cycles).
    double energy_pj(const LayerCycles& c, double volts, double period_ps) const;
};

struct NetworkEnergy {
    std::vector<LayerEnergy> layers;
    // Energy of one inference with the measured network's cycles, or a variant's (same layers).
    double energy_pj(double volts, double period_ps) const;
    double energy_pj(const std::vector<LayerCycles>& cycles, double volts, double period_ps) const;
};

struct NetworkEnergyOptions {
    // rows, cols, sample_pes, seed, netlist (the dataflow's PE), sta (liberty = the reference
    // corner, clock_period_ps, work_dir: each layer measures under <work_dir>/layer<L>), and the
    // three corners (voltage->corners; voltage->volts is where energy_busy_pj etc. are stated).
    PeEnergyOptions pe;
    Dataflow dataflow = Dataflow::WeightStationary;
    WeightPort weight_port = WeightPort::A;
};

// Throws Error naming the problem (no conv/fc layer, no voltage corners, PE energy errors).
NetworkEnergy measure_network_energy(const QuantizedModel& q, const uint8_t* image, const NetworkEnergyOptions& o);
std::vector<LayerCycles> count_array_cycles(const QuantizedModel& q, const uint8_t* image, int rows, int cols, Dataflow dataflow,
                                            WeightPort weight_port);

}  // namespace tesa
