// sta_power.h -- the power of a gate-level design, computed by OpenSTA's `report_power` from the
// Liberty (internal power tables with the design's slews and loads, C V^2 switching power of every
// net's load, state-dependent leakage), with the switching activity tesa measured per net.
//
// What OpenSTA 2.0.17 does with activities (measured on this version; it has no VCD or SAIF
// reader): a primary input keeps the rate given by `set_power_activity -input_ports`, divided by
// the period of its clock (a pin without a clock gets the default activity instead); every other
// pin's rate is propagated through the cells' functions (a driver: the sum of each input's rate
// times the probability, from the duties, that the others let it through; a flip-flop's output:
// its data pin's); values set on internal pins are overwritten. Measured per-net rates therefore
// cannot be annotated on the design itself.
//
// So two benches. The design bench: the design as u_dut between registers of the Liberty
// (reg_cell, as the neighbours' registers of an array: one drives every input bit, one loads every
// output bit); OpenSTA times it and reports each cell input's slew and each cell output's load.
// The island bench: every instance of the design on its own, each input pin on a primary input
// (in the clock's domain) with the slew it has in the design and its net's measured rate and duty,
// each output pin on a port loaded (set_load) as its net is in the design. OpenSTA propagates each
// cell's output rate from its inputs; the first island run reads those rates back (power debug
// output), the second scales each cell's input rates by measured / propagated of its output (the
// propagation is linear in the rates), so that the output's rate is its net's measured one; a
// flip-flop's data pin carries its output net's rate. Duties stay as measured (they weight the
// state-dependent internal power and leakage). The second run's report, summed over the
// instances, is the result; the rates it used are read back and compared with the measured ones
// (max_rate_error; OpenSTA prints them with 4 digits). Residuals, measured on the PE with every
// net at one rate: switching and leakage equal OpenSTA's -global run within 2e-4; internal power
// within 0.5% -- cells with state-dependent internal power over three or more pins (NAND3/4, AND3,
// OR3/4, NOR3) differ by 7-9%, OpenSTA evaluating those `when` duties differently in the two modes.
#pragma once

#include "power/cycle_sim.h"
#include "rtl/gate_netlist.h"

#include <filesystem>
#include <string>

namespace tesa {

struct StaPowerOptions {
    std::filesystem::path netlist;        // the design's mapped netlist (Yosys netlist.v)
    std::filesystem::path liberty;        // .lib or .lib.gz
    std::filesystem::path liberty_cache;  // where a .gz Liberty is decompressed (OpenSTA reads text); needed for .gz
    std::filesystem::path work_dir;       // bench, scripts, OpenSTA's logs; replaced on success
    double clock_period_ps = 1000;
    std::string clock_port = "clk";
    std::string reg_cell = "DFF_X1";      // the bench's registers (pins CK, D, Q)
};

struct PowerBreakdown {  // W
    double internal = 0, switching = 0, leakage = 0;
    double dynamic() const { return internal + switching; }  // what a transition costs; scales with V^2
    double total() const { return dynamic() + leakage; }
};

struct StaPowerResult {
    PowerBreakdown power;        // the design's cells at the options' clock
    double period_ps = 0;
    int instances = 0;           // design cells in OpenSTA's report
    int driver_pins = 0;         // driver pins whose used rate was compared
    double max_rate_error = 0;   // max |rate OpenSTA used - measured| over them, transitions per period
    std::string worst_pin;       // where that was
    std::filesystem::path log;   // OpenSTA's output of the final run
    // Energy per clock period, J.
    double energy_per_period() const { return power.total() * period_ps * 1e-12; }
};

// Per-net measured activity (`activity` counts nets of `netlist`, CycleSim's ids). Throws Error
// naming the file when OpenSTA is missing, fails, or reports something tesa cannot read, or when
// the Liberty has no power data for the design's cells.
StaPowerResult sta_power(const StaPowerOptions& options, const GateNetlist& netlist, const SwitchingActivity& activity);

// The same bench with OpenSTA's own global activity (every non-clock pin `rate` transitions per
// period with duty `duty`): the reference the per-pin annotation is tested against.
StaPowerResult sta_power_global(const StaPowerOptions& options, const GateNetlist& netlist, double rate, double duty);

}  // namespace tesa
