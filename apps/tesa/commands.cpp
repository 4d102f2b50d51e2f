// commands.cpp -- the one place where sub-commands are listed, and the shared option groups.
#include "apps/tesa/commands.h"

#include "common/error.h"

namespace tesa::cli {

const std::vector<Command>& all_commands() {
    static const std::vector<Command> commands = {
        make_flow_command(),
        make_synth_command(),
        make_netlist_command(),
        make_timing_command(),
        make_characterize_command(),
        make_tables_command(),
        make_version_command(),
    };
    return commands;
}

void add_liberty_options(po::options_description& desc) {
    desc.add_options()
        ("corner", po::value<std::string>()->default_value("typ")->value_name("typ|fast|slow"),
         "Nangate45 corner: reads <pdk-dir>/nangate45_<corner>.lib.gz")
        ("pdk-dir", po::value<std::string>()->default_value(default_pdk_dir())->value_name("DIR"),
         "directory of the Nangate45 Liberty files (env TESA_PDK_DIR)")
        ("liberty", po::value<std::string>()->value_name("FILE"),
         "any Liberty file (.lib or .lib.gz); overrides --corner/--pdk-dir");
}

std::filesystem::path liberty_path(const po::variables_map& vm) {
    if (vm.count("liberty")) return vm["liberty"].as<std::string>();
    const std::string corner = vm["corner"].as<std::string>();
    if (corner != "typ" && corner != "fast" && corner != "slow")
        fail("--corner '" + corner + "': expected typ, fast or slow");
    return std::filesystem::path(vm["pdk-dir"].as<std::string>()) / ("nangate45_" + corner + ".lib.gz");
}

void add_design_options(po::options_description& desc) {
    desc.add_options()
        ("width", po::value<int>()->default_value(8)->value_name("N"), "operand width of the Booth multiplier (even, 4..32)")
        ("rtl", po::value<std::string>()->default_value(source_dir() + "/rtl/booth_mul.v")->value_name("FILE"),
         "Verilog source of the multiplier")
        ("script", po::value<std::string>()->default_value(source_dir() + "/rtl/synth.tcl")->value_name("FILE"),
         "Yosys Tcl synthesis script")
        ("top", po::value<std::string>()->default_value("booth_mul")->value_name("MODULE"), "top module")
        ("out", po::value<std::string>()->default_value("tesa-out")->value_name("DIR"), "root directory of results");
}

}  // namespace tesa::cli

namespace tesa::cli {

SynthOptions synth_options(const po::variables_map& vm) {
    SynthOptions o;
    o.width = vm["width"].as<int>();
    o.rtl = vm["rtl"].as<std::string>();
    o.script = vm["script"].as<std::string>();
    o.top = vm["top"].as<std::string>();
    o.liberty = liberty_path(vm);
    if (vm.count("out-dir")) {
        o.out_dir = vm["out-dir"].as<std::string>();
    } else {
        // nangate45_typ.lib.gz -> nangate45_typ
        std::string corner = vm.count("liberty") ? o.liberty.stem().stem().string() : vm["corner"].as<std::string>();
        o.out_dir = std::filesystem::path(vm["out"].as<std::string>()) / "synth" /
                    (o.top + "_w" + std::to_string(o.width) + "_" + corner);
    }
    return o;
}

}  // namespace tesa::cli
