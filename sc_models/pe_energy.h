// pe_energy.h -- energy per busy and per idle PE-cycle, and per MAC, of a GEMM on the systolic
// array: the PE netlist (rtl/mac_pe.v, Yosys on Nangate45) simulated cycle by cycle on the operand
// streams its PEs really see (PeStimulus over ArrayCore), its switching activity split by whether
// the PE was busy in the period, and the power of each split computed by OpenSTA from the Liberty
// (power/sta_power.h).
//
// Sampling. `sample_pes` of the PEs that do at least one MAC of the GEMM, drawn without
// replacement from the seed (all of them when there are no more), each simulated over every cycle
// of the GEMM (the PEs the GEMM leaves unused have idle cycles only, estimated from the sampled
// PEs' idle cycles); the activity of
// the sampled PEs is pooled for OpenSTA. The spread between PEs is reported as the mean and a 95%
// confidence interval (Student t over the sampled PEs) of the toggles per busy and per idle
// period, summed over the PE's nets. The PE's activity is zero-delay (power/cycle_sim.h); with a
// GlitchSource the multiplier's glitches are added (below).
//
// The pooled activities are also written as SAIF (power/saif_file.h): <work_dir>/{busy,idle}/
// activity.saif, beside OpenSTA's scripts and logs.
//
// Energy of the job = busy PE-cycles x E_busy + idle PE-cycles x E_idle over the whole array;
// per MAC = that / MACs (every busy PE-cycle is one MAC).
#pragma once

#include "power/sta_power.h"
#include "power/voltage_energy.h"
#include "sc_models/gemm.h"

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

namespace tesa {

// Energy at a supply voltage between the corners (power/voltage_energy.h): the dynamic energy of
// the options' Liberty scaled by (V / V_corner)^2, leakage interpolated over the three corners,
// each corner's leakage computed by OpenSTA for the same activity.
struct VoltageScaling {
    double volts = 0;
    std::array<std::pair<std::string, std::filesystem::path>, 3> corners;  // name, Liberty
};

// Glitches: the multiplier alone (the tables' booth_mul netlist and its SDF from OpenSTA at the
// reference corner), simulated event by event (power/glitch_activity.h) on the sampled PEs' operand
// registers, period by period. OpenSTA prices its timed and its zero-delay activity on that
// netlist; the difference, dynamic energy only (glitches leave the duties and so the leakage
// alone), is added to the PE's energy per period of each bucket, and scales with V^2 like the
// rest of the dynamic energy (every delay scales by one factor on the delay model's line, which
// keeps every count: glitch_activity.h). Approximation: the PE netlist's multiplier is the
// standalone one (Yosys maps both from rtl/booth_mul.v; flattening may restructure the PE's); the
// accumulate adder's own glitches are not counted.
struct GlitchSource {
    std::filesystem::path netlist;  // booth_mul netlist.v
    std::filesystem::path sdf;      // OpenSTA's SDF of its wrapper (instance u_mul)
};

struct PeEnergyOptions {
    int rows = 16, cols = 16;
    int sample_pes = 8;
    uint64_t seed = 1;
    std::filesystem::path netlist;  // the PE synthesized for the job's dataflow and weight port
    StaPowerOptions sta;            // liberty, work_dir, clock_period_ps (netlist set from above)
    std::optional<VoltageScaling> voltage;
    std::optional<GlitchSource> glitches;
};

struct MeanInterval {
    double mean = 0, half_width = 0;  // 95% confidence interval: mean +- half_width
    int n = 0;
};

// One bucket's glitches (busy or idle periods of the sampled PEs).
struct GlitchEnergy {
    uint64_t periods = 0;                      // of the sampled PEs in this bucket
    MeanInterval toggles_timed, toggles_zero;  // the multiplier's transitions per period, summed over its nets
    StaPowerResult timed, zero_delay;          // OpenSTA on the multiplier, reference corner
    double extra_pj = 0;                       // dynamic energy per period the glitches add, reference corner
    double factor() const { return toggles_zero.mean > 0 ? toggles_timed.mean / toggles_zero.mean : 0; }
};

struct PeEnergyResult {
    GemmStats stats;                 // the whole array's
    int sampled_pes = 0, used_pes = 0;  // used: PEs with at least one MAC
    uint64_t sampled_busy = 0, sampled_idle = 0;  // PE-cycles simulated
    MeanInterval toggles_busy, toggles_idle;      // per period, summed over the PE's nets
    StaPowerResult busy, idle;       // OpenSTA on the pooled activity
    std::optional<GlitchEnergy> glitch_busy, glitch_idle;  // with a GlitchSource
    double energy_busy_pj = 0, energy_idle_pj = 0;  // per PE-cycle (at `volts` when scaled), glitches included
    double volts = 0;                // the supply the energies are at
    bool scaled = false;             // by the voltage model, from the corners
    std::array<double, 3> corner_leakage_busy_w{}, corner_volts{};  // with a VoltageScaling
    // With a VoltageScaling: energy per busy / idle PE-cycle at any supply in the corners' range
    // and any clock (dynamic energy per period does not depend on the clock, leakage x T does);
    // absent for a bucket the sample had no period of.
    std::optional<VoltageEnergyModel> busy_model, idle_model;
    double energy_job_pj = 0, energy_per_mac_pj = 0;
};

// Runs `job` (operands as given; exact products) and measures. Throws Error naming the problem.
PeEnergyResult measure_pe_energy(const GemmJob& job, const PeEnergyOptions& options);

}  // namespace tesa
