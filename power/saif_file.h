// saif_file.h -- switching activity as a SAIF 2.0 file (IEEE 1801 Annex I, "backward" SAIF, as
// power tools that read one expect): every net of the netlist with its time at 0 and at 1 (T0,
// T1), its toggle count (TC), no unknown time (TX 0) and no glitch count (IG 0: zero-delay counts).
// Times are periods x the clock period, in ps (TIMESCALE 1 ps).
#pragma once

#include "power/cycle_sim.h"
#include "rtl/gate_netlist.h"

#include <filesystem>
#include <string>

namespace tesa {

// Written atomically (temp file + rename). `instance`: the design's instance path in the
// simulation the file describes (the module name when empty).
void write_saif(const std::filesystem::path& file, const GateNetlist& netlist, const SwitchingActivity& activity, double period_ps,
                const std::string& instance = "");

// A net name as a SAIF identifier: characters other than letters, digits and '_' escaped with '\'
// (bus bits keep their index: "p[3]" -> "p\[3\]"); Verilog's escaped-identifier backslash and
// trailing blank are dropped first.
std::string saif_identifier(const std::string& verilog_name);

}  // namespace tesa
