// cell_report.h -- the cell-count and area table of a mapped netlist, areas from its Liberty.
#pragma once

#include "rtl/gate_netlist.h"

#include <string>

namespace tesa {

// Text table: one row per cell type (count, area each, area total), then totals.
// `netlist_path` is the path shown for the netlist (its final location when read from staging).
std::string format_cell_report(const GateNetlist& netlist, const LibertyLibrary& lib,
                               const std::string& netlist_path);

}  // namespace tesa
