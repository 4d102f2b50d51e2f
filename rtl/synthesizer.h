// synthesizer.h -- drives Yosys (rtl/synth.tcl) to map a design (the Booth multiplier, the PE of
// rtl/mac_pe.v) onto a Liberty library, then re-reads the mapped netlist with tesa's own reader to
// check and report it.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace tesa {

struct SynthOptions {
    std::vector<std::filesystem::path> rtl;  // Verilog sources: {rtl/booth_mul.v}
    std::filesystem::path script;            // rtl/synth.tcl
    std::string top = "booth_mul";
    int width = 8;                           // operand width N (even, 4..32)
    // Further parameters of the top (N is `width`): names and integer values.
    std::vector<std::pair<std::string, int>> params;
    std::filesystem::path liberty;  // .lib or .lib.gz
    std::filesystem::path out_dir;  // replaced as a whole when synthesis succeeds
};

struct SynthResult {
    std::filesystem::path out_dir;
    std::filesystem::path netlist;  // out_dir/netlist.v
    std::string report;             // also written to out_dir/report.txt
    int cells = 0;
    double area = 0.0;
};

// Throws Error naming the file and the problem (missing/corrupt Liberty, failing Yosys run,
// netlist the Liberty cannot explain). On any error out_dir is left as it was.
SynthResult synthesize(const SynthOptions& options);

}  // namespace tesa
