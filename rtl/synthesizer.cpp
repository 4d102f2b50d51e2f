// synthesizer.cpp -- the synthesis step: validate inputs, run Yosys in a staging directory,
// re-read its netlist against the Liberty, move everything into place at once.
#include "rtl/synthesizer.h"

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"
#include "rtl/cell_report.h"
#include "rtl/gate_netlist.h"
#include "rtl/liberty_library.h"

#include <sstream>

namespace tesa {

namespace {

std::string last_lines(const std::string& text, int n) {
    size_t pos = text.size();
    for (int i = 0; i < n && pos > 0; ++i) {
        pos = text.rfind('\n', pos - 1);
        if (pos == std::string::npos) return text;
    }
    return text.substr(pos + 1);
}

}  // namespace

SynthResult synthesize(const SynthOptions& o) {
    if (o.width < 4 || o.width > 32 || o.width % 2 != 0)
        fail("--width " + std::to_string(o.width) + ": the radix-4 Booth multiplier needs an even width in 4..32");
    if (o.rtl.empty()) fail("synthesis of " + o.top + " without Verilog sources");
    std::vector<fs::path> inputs = o.rtl;
    inputs.push_back(o.script);
    std::string sources, params, source_list;
    for (const auto& f : inputs)
        if (!fs::exists(f)) fail(f.string() + ": no such file");
    for (const auto& f : o.rtl) {
        // synth.tcl splits the list at ';'
        if (f.string().find(';') != std::string::npos) fail(f.string() + ": a Verilog source path may not contain ';'");
        sources += (sources.empty() ? "" : ";") + fs::absolute(f).string();
        source_list += (source_list.empty() ? "" : ", ") + f.string();
    }
    for (const auto& [name, value] : o.params) {
        if (name.empty() || name.find_first_of(";= ") != std::string::npos) fail("synthesis parameter name '" + name + "' is not an identifier");
        params += (params.empty() ? "" : ";") + name + "=" + std::to_string(value);
    }

    // Our own read first: a missing, truncated or malformed Liberty is reported by name and line
    // before Yosys sees it.
    LibertyLibrary lib = LibertyLibrary::read(o.liberty);

    StagingDir stage(o.out_dir);
    fs::path plain_lib = stage.path() / "liberty.lib";
    write_file_atomic(plain_lib, read_file(o.liberty));
    fs::path log = stage.path() / "yosys.log";
    ProcessResult r = run_process({"yosys", "-q", "-l", log.string(), "-c", o.script.string()},
                                  {{"TESA_RTL", sources},
                                   {"TESA_TOP", o.top},
                                   {"TESA_PARAMS", params},
                                   {"TESA_WIDTH", std::to_string(o.width)},
                                   {"TESA_LIBERTY", plain_lib.string()},
                                   {"TESA_OUTDIR", stage.path().string()}});
    if (r.exit_code != 0)
        fail("yosys failed (exit " + std::to_string(r.exit_code) + ") synthesizing " + o.top + " from " + source_list +
             " with " + o.liberty.string() + ":\n" + last_lines(r.output, 12));
    fs::remove(plain_lib);

    GateNetlist netlist = GateNetlist::read(stage.path() / "netlist.v", lib);
    std::ostringstream report;
    report << "design   " << o.top << " N=" << o.width;
    for (const auto& [name, value] : o.params) report << " " << name << "=" << value;
    report << " from " << source_list << "\n";
    report << format_cell_report(netlist, lib, (o.out_dir / "netlist.v").string());
    write_file_atomic(stage.path() / "report.txt", report.str());

    SynthResult result;
    result.cells = static_cast<int>(netlist.instances().size());
    result.area = netlist.area();
    stage.commit();
    result.out_dir = o.out_dir;
    result.netlist = o.out_dir / "netlist.v";
    result.report = report.str();
    return result;
}

}  // namespace tesa
