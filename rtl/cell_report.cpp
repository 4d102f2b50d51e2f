// cell_report.cpp -- formats GateNetlist::cell_usage() against the Liberty's cell areas.
#include "rtl/cell_report.h"

#include <cstdio>
#include <sstream>

namespace tesa {

std::string format_cell_report(const GateNetlist& netlist, const LibertyLibrary& lib,
                               const std::string& netlist_path) {
    std::ostringstream s;
    char line[160];
    s << "netlist  " << netlist_path << " (module " << netlist.module_name() << ")\n";
    std::snprintf(line, sizeof line, "liberty  %s (library %s, %.2f V, %.0f C)\n", lib.file().c_str(),
                  lib.name().c_str(), lib.nom_voltage(), lib.nom_temperature());
    s << line;
    std::snprintf(line, sizeof line, "%-14s %7s %12s %12s\n", "cell", "count", "area_each", "area_total");
    s << line;
    int total = 0;
    for (const auto& [name, count] : netlist.cell_usage()) {
        double each = lib.find_cell(name)->area;
        std::snprintf(line, sizeof line, "%-14s %7d %12.3f %12.3f\n", name.c_str(), count, each, each * count);
        s << line;
        total += count;
    }
    std::snprintf(line, sizeof line, "%-14s %7d %12s %12.3f\n", "total", total, "", netlist.area());
    s << line;
    s << "area unit: um^2 (Liberty area attribute)\n";
    return s.str();
}

}  // namespace tesa
