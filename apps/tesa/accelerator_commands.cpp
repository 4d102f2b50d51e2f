// accelerator_commands.cpp -- the full command list of `tesa`: the stages' commands, then the
// accelerator's.
#include "apps/tesa/accelerator_commands.h"

#include "common/error.h"
#include "rtl/pe_design.h"

#include <ostream>

namespace tesa::cli {

const std::vector<Command>& accelerator_commands() {
    static const std::vector<Command> commands = [] {
        std::vector<Command> all = all_commands();
        all.insert(all.begin(), make_flow_command());  // the flow reaches the accelerator, so it lives here
        all.insert(all.end() - 1, make_gemm_command());  // before `version`
        all.insert(all.end() - 1, make_array_study_command());
        all.insert(all.end() - 1, make_run_command());
        all.insert(all.end() - 1, make_power_command());
        all.insert(all.end() - 1, make_explore_command());
        all.insert(all.end() - 1, make_sweep_command());
        return all;
    }();
    return commands;
}

std::shared_ptr<const CosimModels> cosim_models_for(const po::variables_map& vm, const std::filesystem::path& tables,
                                                    Context& ctx, OperatingPoint* point) {
    const PointTiming pt = tables.empty() ? resolve_point(vm, accelerator_timing_options(vm, vm["corner"].as<std::string>()),
                                                          operating_point_spec(vm, check_corner(vm["corner"].as<std::string>())))
                                          : resolve_table_point(vm, tables);
    const OperatingPointSpec& spec = pt.point.spec;
    const std::filesystem::path out = vm["out"].as<std::string>();
    const TimedNetlist timed = TimedNetlist::build(*pt.timing.netlist, *pt.timing.sdf, pt.point.conditions());
    CosimBuildOptions o;
    o.dir = out / "cosim" / pt.key;
    o.lane_dir = out / "characterize" / pt.key / "lanes";  // where characterize compiled the same program
    o.wrapper = std::filesystem::path(source_dir()) / "sc_models" / "cosim_wrapper.cpp";
    o.progress = [&ctx](const std::string& line) { ctx.err << line << std::endl; };
    auto models = std::make_shared<const CosimModels>(CosimModels::build(timed, *pt.timing.netlist, spec.semantics, o));
    ctx.err << "cosim: " << models->description() << " at " << pt.point.describe() << std::endl;
    if (point) *point = pt.point;
    return models;
}

}  // namespace tesa::cli

namespace tesa::cli {

std::string pe_area_line(const po::variables_map& vm, Dataflow dataflow, WeightPort port, int rows, int cols) {
    PeDesign d;
    d.output_stationary = dataflow == Dataflow::OutputStationary;
    d.weight_on_b = port == WeightPort::B;
    const std::filesystem::path typ = std::filesystem::path(vm["pdk-dir"].as<std::string>()) / "nangate45_typ.lib.gz";
    const SynthResult r = synthesize_pe_cached(d, source_dir(), typ, "typ", vm["out"].as<std::string>());
    std::string line = format_array_area(r.area, rows, cols);
    return line.substr(line.find("PE "));  // without the report's "area" label
}

}  // namespace tesa::cli
