// pe_design.cpp -- tops, parameters and sources of the PE designs.
#include "rtl/pe_design.h"

#include "common/error.h"
#include "common/file_util.h"
#include "rtl/gate_netlist.h"
#include "rtl/liberty_library.h"

#include <cstdio>

namespace tesa {

std::string pe_top(const PeDesign& d) { return d.output_stationary ? "mac_pe_os" : "mac_pe_ws"; }

std::string pe_dir_name(const PeDesign& d) {
    std::string name = pe_top(d) + "_w" + std::to_string(d.width) + (d.weight_on_b ? "_b" : "_a");
    if (d.acc_bits != 32) name += "_acc" + std::to_string(d.acc_bits);
    return name;
}

SynthOptions pe_synth_options(const PeDesign& d, const std::filesystem::path& source_dir, const std::filesystem::path& liberty,
                              const std::filesystem::path& out_dir) {
    // The accumulator holds a sign-extended product at least.
    if (d.acc_bits < 2 * d.width || d.acc_bits > 64)
        fail("PE accumulator of " + std::to_string(d.acc_bits) + " bits: needs " + std::to_string(2 * d.width) + "..64");
    SynthOptions o;
    o.rtl = {source_dir / "rtl" / "mac_pe.v", source_dir / "rtl" / "booth_mul.v"};
    o.script = source_dir / "rtl" / "synth.tcl";
    o.top = pe_top(d);
    o.width = d.width;
    o.params = {{"ACC", d.acc_bits}, {"WEIGHT_ON_B", d.weight_on_b ? 1 : 0}};
    o.liberty = liberty;
    o.out_dir = out_dir;
    return o;
}

SynthResult synthesize_pe_cached(const PeDesign& d, const std::filesystem::path& source_dir, const std::filesystem::path& liberty,
                                 const std::string& corner_name, const std::filesystem::path& out_root) {
    const std::filesystem::path dir = out_root / "synth" / (pe_dir_name(d) + "_" + corner_name);
    const FileLock lock(out_root / "synth.lock");
    if (!std::filesystem::exists(dir / "netlist.v")) return synthesize(pe_synth_options(d, source_dir, liberty, dir));
    const LibertyLibrary lib = LibertyLibrary::read(liberty);
    const GateNetlist netlist = GateNetlist::read(dir / "netlist.v", lib);
    SynthResult r;
    r.out_dir = dir;
    r.netlist = dir / "netlist.v";
    r.report = read_file(dir / "report.txt");
    r.cells = static_cast<int>(netlist.instances().size());
    r.area = netlist.area();
    return r;
}

std::string format_array_area(double pe_area_um2, int rows, int cols) {
    char line[256];
    const double array = pe_area_um2 * rows * cols;
    std::snprintf(line, sizeof line, "area     PE %.1f um^2; %dx%d array of PEs %.1f um^2 (%.4f mm^2)\n", pe_area_um2, rows, cols, array,
                  array * 1e-6);
    return line;
}

}  // namespace tesa
