// synth_command.cpp -- `tesa synth`: map the Booth multiplier onto a Liberty corner with Yosys.
#include "apps/tesa/commands.h"

#include <ostream>

namespace tesa::cli {

Command make_synth_command() {
    Command c;
    c.name = "synth";
    c.summary = "synthesize the radix-4 Booth multiplier onto a Liberty library (Yosys)";
    c.description =
        "Runs rtl/synth.tcl in Yosys on rtl/booth_mul.v, re-reads the mapped netlist against the\n"
        "Liberty and prints the cell count by type and the area. Results (netlist.v, netlist.json,\n"
        "cells.v, stat.txt, yosys.log, report.txt) replace <out>/synth/<top>_w<N>_<corner>/ only\n"
        "when every step succeeded.";
    c.add_options = [](po::options_description& d) {
        add_design_options(d);
        add_liberty_options(d);
        d.add_options()("out-dir", po::value<std::string>()->value_name("DIR"),
                        "exact results directory (default <out>/synth/<top>_w<N>_<corner>)");
    };
    c.run = [](const po::variables_map& vm, Context& ctx) {
        SynthResult r = synthesize(synth_options(vm));
        ctx.out << r.report << "results: " << r.out_dir.string() << "\n";
        return 0;
    };
    return c;
}

}  // namespace tesa::cli
