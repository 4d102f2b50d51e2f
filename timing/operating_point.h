// operating_point.h -- where an error table is made: corner, supply voltage, clock, time step,
// semantics and die; resolved against OpenSTA's timing into the TimedNetlist's conditions, and the
// content key that names the table in the cache (timing/table_cache.h).
//
// Clock. A clock scale S means S x OpenSTA's min period at the corner *at its nominal voltage*,
// whatever the supply: lowering the voltage at a fixed clock is the experiment, so the period must
// not follow the voltage. A period in ps or a frequency in MHz gives it directly.
// Voltage. The corner's delays (cell arcs, launch, setup) are multiplied by D(V) / D(V_corner), D
// the alpha-power law fitted exactly through the three Nangate45 corners (timing/voltage_model.h).
// The corners also differ in process and temperature, so the fit is an interpolation between them;
// V must lie in [lowest, highest] corner voltage (0.95 .. 1.25 V for Nangate45) -- beyond them it
// extrapolates, and it diverges towards the effective threshold. No voltage: the corner as timed.
// Die. sigma > 0: one die of a population, every instance's delays times max(0.05, 1 + sigma g),
// g ~ N(0, 1) drawn in instance order from die_seed (TimedNetlist). sigma 0 is the nominal die;
// its die_seed means nothing and is not part of the key.
#pragma once

#include "timing/semantics.h"
#include "timing/timed_netlist.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace tesa {

struct ClockSpec {
    enum class Kind { Scale, Picoseconds, Megahertz } kind = Kind::Scale;
    double value = 0.8;
};

struct OperatingPointSpec {
    std::string corner = "typ";     // the Liberty corner timed by OpenSTA (a --liberty file's stem)
    std::optional<double> voltage;  // V; none: the corner's delays unscaled
    ClockSpec clock;
    double time_step_ps = 10;
    Semantics semantics = Semantics::SdfSim;
    double sigma = 0;               // per-instance relative delay sigma; 0: nominal die
    uint64_t die_seed = 1;
};

// The validity range of the voltage model: the fitted corners' voltages.
struct VoltageRange {
    double lo = 0, hi = 0;
};

struct OperatingPoint {
    OperatingPointSpec spec;
    double sta_period_ps = 0;    // OpenSTA's min period at the corner, nominal voltage
    double nominal_voltage = 0;  // the corner's Liberty nom_voltage
    double delay_scale = 1;      // D(V) / D(V_corner); 1 without a voltage
    double clock_ps = 0;

    double volts() const { return spec.voltage ? *spec.voltage : nominal_voltage; }
    double clock_scale() const { return clock_ps / sta_period_ps; }
    // What the TimedNetlist is built with (clock, COND mode of the semantics, scale, variation, step).
    TimingConditions conditions() const;
    // One line for humans: "typ corner, 1.000 V (delays x 1.0712), T_clk 1234.5 ps (0.900 x 1371.7 ps), ..."
    std::string describe() const;
    // The options of `tesa characterize` that make this point, as the user gave the clock.
    std::string characterize_options() const;
};

// Resolves `spec` against the corner's timing; `voltage_scale(V)` returns D(V) / D(V_corner) and is
// called only when the spec has a voltage, after it has been checked against `range`. Throws Error
// naming the option (--voltage, --clock-ps, --frequency-mhz, --clock-scale, --sigma, --time-step)
// when a value is out of range.
OperatingPoint resolve_operating_point(const OperatingPointSpec& spec, double sta_period_ps, double nominal_voltage,
                                       VoltageRange range, const std::function<double(double)>& voltage_scale);

// The content key of a table: FNV-1a 64 (hex) over the netlist's and SDF's hashes, the width, the
// semantics, the clock in ps, the time step, the voltage and delay scale, and the variation.
std::string table_key(const OperatingPoint& point, const std::string& netlist_hash, const std::string& sdf_hash, int width);

}  // namespace tesa
