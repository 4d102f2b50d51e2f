// synth_command.cpp -- `tesa synth`: map the Booth multiplier, or the array's PE, onto a Liberty
// corner with Yosys.
#include "apps/tesa/commands.h"

#include "common/error.h"
#include "rtl/pe_design.h"

#include <ostream>

namespace tesa::cli {

Command make_synth_command() {
    Command c;
    c.name = "synth";
    c.summary = "synthesize the radix-4 Booth multiplier or the array's PE onto a Liberty library (Yosys)";
    c.description =
        "Runs rtl/synth.tcl in Yosys on rtl/booth_mul.v, re-reads the mapped netlist against the\n"
        "Liberty and prints the cell count by type and the area. Results (netlist.v, netlist.json,\n"
        "cells.v, stat.txt, yosys.log, report.txt) replace <out>/synth/<top>_w<N>_<corner>/ only\n"
        "when every step succeeded.\n"
        "With --pe ws|os: the systolic array's processing element instead (rtl/mac_pe.v: operand and\n"
        "valid registers, the Booth multiplier, the accumulate adder, the 32-bit partial-sum register),\n"
        "with the weight on --weight-port, into <out>/synth/mac_pe_<df>_w<N>_<port>_<corner>/; the report\n"
        "adds the area of an --array ROWSxCOLS array of PEs.";
    c.add_options = [](po::options_description& d) {
        add_design_options(d);
        add_liberty_options(d);
        d.add_options()("out-dir", po::value<std::string>()->value_name("DIR"),
                        "exact results directory (default <out>/synth/<top>_w<N>_<corner>)")
            ("pe", po::value<std::string>()->value_name("ws|os"), "synthesize the array's PE for this dataflow (rtl/mac_pe.v)")
            ("weight-port", po::value<std::string>()->default_value("a")->value_name("a|b"), "with --pe: the multiplier port of the weight")
            ("array", po::value<std::string>()->default_value("16x16")->value_name("RxC"), "with --pe: the array whose area is reported");
    };
    c.run = [](const po::variables_map& vm, Context& ctx) {
        if (!vm.count("pe")) {
            for (const char* o : {"array"})
                if (!vm[o].defaulted()) fail(std::string("--") + o + " needs --pe");
            if (!vm["weight-port"].defaulted()) fail("--weight-port needs --pe");
            SynthResult r = synthesize(synth_options(vm));
            ctx.out << r.report << "results: " << r.out_dir.string() << "\n";
            return 0;
        }
        if (!vm["top"].defaulted() || !vm["rtl"].defaulted()) fail("--pe synthesizes rtl/mac_pe.v: it takes no --top or --rtl");
        SynthOptions base = synth_options(vm);
        PeDesign d;
        const std::string df = vm["pe"].as<std::string>();
        if (df != "ws" && df != "os") fail("--pe '" + df + "': expected ws or os");
        d.output_stationary = df == "os";
        d.weight_on_b = parse_weight_port(vm["weight-port"].as<std::string>()) == WeightPort::B;
        d.width = base.width;
        int rows = 0, cols = 0;
        parse_array(vm["array"].as<std::string>(), rows, cols);
        std::filesystem::path dir;
        if (vm.count("out-dir")) dir = vm["out-dir"].as<std::string>();
        else dir = std::filesystem::path(vm["out"].as<std::string>()) / "synth" / (pe_dir_name(d) + "_" + synth_corner_name(vm));
        SynthResult r = synthesize(pe_synth_options(d, source_dir(), base.liberty, dir));
        ctx.out << r.report << format_array_area(r.area, rows, cols) << "results: " << r.out_dir.string() << "\n";
        return 0;
    };
    return c;
}

}  // namespace tesa::cli
