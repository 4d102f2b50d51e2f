// flow_command.cpp -- `tesa flow`: the most complete end-to-end flow that exists, on built-in
// defaults. Today: synthesize the 8-bit Booth multiplier on the typical corner and report it.
// Later stages (timing, characterization, compile, simulate) append their steps here.
#include "apps/tesa/commands.h"

#include <filesystem>
#include <ostream>

namespace tesa::cli {

Command make_flow_command() {
    Command c;
    c.name = "flow";
    c.summary = "run the end-to-end flow on built-in defaults (today: synthesis + report)";
    c.description =
        "Steps, in order:\n"
        "  1. synth: map rtl/booth_mul.v (N=<width>) onto the <corner> Liberty, report cells/area.\n"
        "Results go under <out>/; the last line printed names the directory.";
    c.add_options = [](po::options_description& d) {
        add_design_options(d);
        add_liberty_options(d);
    };
    c.run = [](const po::variables_map& vm, Context& ctx) {
        const std::filesystem::path out = vm["out"].as<std::string>();
        SynthOptions s = synth_options(vm);
        ctx.out << "== step 1/1: synthesis ==\n";
        SynthResult r = synthesize(s);
        ctx.out << r.report << "\n";
        ctx.out << "flow done. results: " << std::filesystem::absolute(out).lexically_normal().string() << "\n"
                << "  synthesis: " << std::filesystem::absolute(r.out_dir).lexically_normal().string() << "\n";
        return 0;
    };
    return c;
}

}  // namespace tesa::cli
