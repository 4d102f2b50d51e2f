// netlist_command.cpp -- `tesa netlist`: read a gate-level netlist against a Liberty and report it.
#include "apps/tesa/commands.h"

#include "rtl/cell_report.h"
#include "rtl/gate_netlist.h"

#include <ostream>

namespace tesa::cli {

Command make_netlist_command() {
    Command c;
    c.name = "netlist";
    c.summary = "check a gate-level netlist against a Liberty library and report cells/area";
    c.description =
        "Reads a flat structural Verilog netlist (as Yosys writes it), checks that every cell and\n"
        "pin exists in the Liberty, that every input pin is connected and no net has two drivers,\n"
        "and prints the cell count by type and the area.";
    c.add_options = [](po::options_description& d) {
        d.add_options()("netlist", po::value<std::string>()->required()->value_name("FILE"),
                        "gate-level Verilog netlist");
        add_liberty_options(d);
    };
    c.run = [](const po::variables_map& vm, Context& ctx) {
        LibertyLibrary lib = LibertyLibrary::read(liberty_path(vm));
        std::string file = vm["netlist"].as<std::string>();
        GateNetlist n = GateNetlist::read(file, lib);
        ctx.out << format_cell_report(n, lib, file);
        return 0;
    };
    return c;
}

}  // namespace tesa::cli
