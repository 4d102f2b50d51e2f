// commands.cpp -- the one place where sub-commands are listed, and the shared option groups.
#include "apps/tesa/commands.h"

#include "timing/semantics.h"

#include "common/error.h"
#include "timing/characterizer.h"
#include "timing/lane_engine.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace tesa::cli {

const std::vector<Command>& all_commands() {
    static const std::vector<Command> commands = {
        make_synth_command(),
        make_netlist_command(),
        make_timing_command(),
        make_characterize_command(),
        make_tables_command(),
        make_data_command(),
        make_eval_command(),
        make_study_command(),
        make_fw_command(),
        make_version_command(),
    };
    return commands;
}

std::string plot_python() { return std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; }

ShardSpec parse_shard(const std::string& s) {
    const size_t slash = s.find('/');
    ShardSpec sh;
    try {
        if (slash == std::string::npos) throw std::invalid_argument("no slash");
        size_t used = 0;
        const unsigned long i = std::stoul(s.substr(0, slash), &used);
        if (used != slash) throw std::invalid_argument("index");
        const std::string rest = s.substr(slash + 1);
        const unsigned long n = std::stoul(rest, &used);
        if (used != rest.size() || n < 1 || n > 4096 || i >= n || s[0] == '-' || rest[0] == '-') throw std::invalid_argument("range");
        sh.index = static_cast<uint32_t>(i);
        sh.count = static_cast<uint32_t>(n);
    } catch (const std::exception&) {
        fail("--shard '" + s + "': expected I/N with 0 <= I < N <= 4096 (shard I of N)");
    }
    return sh;
}

std::filesystem::path results_dir(const po::variables_map& vm, const std::string& sub) {
    if (vm.count("results")) return vm["results"].as<std::string>();
    return std::filesystem::path(vm["out"].as<std::string>()) / sub;
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
        ("width", bounded<int>("width", Range::closed(4, 32))->default_value(8)->value_name("N"), "operand width of the Booth multiplier (even, 4..32)")
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
    o.rtl = {vm["rtl"].as<std::string>()};
    o.script = vm["script"].as<std::string>();
    o.top = vm["top"].as<std::string>();
    o.liberty = liberty_path(vm);
    if (vm.count("out-dir")) {
        o.out_dir = vm["out-dir"].as<std::string>();
    } else {
        o.out_dir = std::filesystem::path(vm["out"].as<std::string>()) / "synth" /
                    (o.top + "_w" + std::to_string(o.width) + "_" + synth_corner_name(vm));
    }
    return o;
}

std::string synth_corner_name(const po::variables_map& vm) {
    // nangate45_typ.lib.gz -> nangate45_typ
    return vm.count("liberty") ? liberty_path(vm).stem().stem().string() : vm["corner"].as<std::string>();
}

void parse_array(const std::string& s, int& rows, int& cols) {
    const auto x = s.find('x');
    if (x == std::string::npos) fail("--array '" + s + "': expected ROWSxCOLS, e.g. 16x16");
    rows = static_cast<int>(parse_int(s.substr(0, x), "--array '" + s + "': rows", 1, kMaxArraySide));
    cols = static_cast<int>(parse_int(s.substr(x + 1), "--array '" + s + "': columns", 1, kMaxArraySide));
}

std::string check_corner(const std::string& c) {
    if (c != "typ" && c != "fast" && c != "slow") fail("--corner '" + c + "': expected typ, fast or slow");
    return c;
}

namespace {

// The Liberty of `corner` from --pdk-dir, or --liberty when it is given for --corner's corner (the
// file's stem then names the corner); synthesis always reads the typical corner.
void set_corner_liberty(const po::variables_map& vm, const std::string& corner, TimingSetupOptions& o) {
    const std::filesystem::path pdk = vm["pdk-dir"].as<std::string>();
    o.synth_liberty = pdk / "nangate45_typ.lib.gz";
    if (vm.count("liberty") && corner == vm["corner"].as<std::string>()) {
        o.liberty = vm["liberty"].as<std::string>();
        o.corner_name = o.liberty.stem().stem().string();
    } else {
        o.liberty = pdk / ("nangate45_" + corner + ".lib.gz");
        o.corner_name = corner;
    }
}

}  // namespace

TimingSetupOptions timing_setup_options(const po::variables_map& vm, const std::string& corner) {
    TimingSetupOptions o;
    SynthOptions s = synth_options(vm);
    o.rtl = s.rtl.front();
    o.script = s.script;
    o.top = s.top;
    o.width = s.width;
    o.out = vm["out"].as<std::string>();
    if (vm.count("paths")) o.path_count = vm["paths"].as<int>();
    if (vm.count("netlist")) o.netlist = vm["netlist"].as<std::string>();
    set_corner_liberty(vm, corner, o);
    return o;
}

void add_operating_point_options(po::options_description& d, double default_scale, bool scale_list) {
    if (scale_list)
        d.add_options()("clock-scale", po::value<std::string>()->default_value(fmt("%g", default_scale))->value_name("S,S,..."),
                        "clock scales: T_clk = S x OpenSTA's min period at the corner's nominal voltage (one table each)");
    else
        d.add_options()("clock-scale", bounded<double>("clock-scale", Range::closed(0.1, 4.0))->default_value(default_scale)->value_name("S"),
                        "T_clk = S x OpenSTA's min period at the corner's nominal voltage");
    d.add_options()
        ("clock-ps", bounded<double>("clock-ps", Range::closed(1, 1e6))->value_name("T"), "T_clk in ps (instead of --clock-scale)")
        ("frequency-mhz", bounded<double>("frequency-mhz", Range::closed(1, 1e6))->value_name("F"), "clock frequency (instead of --clock-scale)")
        ("voltage", bounded<double>("voltage", Range::closed(0.1, 5))->value_name("V"),
         "supply voltage: the corner's delays scaled by the alpha-power law fitted to the three Nangate45 corners "
         "(valid between their voltages, 0.95 .. 1.25 V); default: the corner as timed")
        ("time-step", bounded<double>("time-step", Range::closed(1, 100))->default_value(10.0)->value_name("PS"), "time step of the tables' models")
        ("semantics", po::value<std::string>()->default_value(kDefaultSemantics)->value_name("sdf-sim|transport|delay-line"),
         "timing semantics of the tables (timing/semantics.h; recorded in the file)")
        ("sigma", bounded<double>("sigma", Range::closed(0, 0.5))->default_value(0.0)->value_name("F"),
         "one die of a population: per-instance Gaussian delay sigma (fraction); 0: the nominal die")
        ("die-seed", po::value<uint64_t>()->default_value(1)->value_name("N"), "which die of that population (with --sigma)");
}

OperatingPointSpec operating_point_spec(const po::variables_map& vm, const std::string& corner, std::optional<double> scale) {
    OperatingPointSpec s;
    s.corner = corner;
    const int given = static_cast<int>(vm.count("clock-ps")) + static_cast<int>(vm.count("frequency-mhz")) +
                      static_cast<int>(!vm["clock-scale"].defaulted());
    if (given > 1) fail("give the clock once: --clock-scale, --clock-ps or --frequency-mhz");
    if (vm.count("clock-ps")) s.clock = {ClockSpec::Kind::Picoseconds, vm["clock-ps"].as<double>()};
    else if (vm.count("frequency-mhz")) s.clock = {ClockSpec::Kind::Megahertz, vm["frequency-mhz"].as<double>()};
    else s.clock = {ClockSpec::Kind::Scale, scale ? *scale : vm["clock-scale"].as<double>()};
    if (vm.count("voltage")) s.voltage = vm["voltage"].as<double>();
    s.time_step_ps = vm["time-step"].as<double>();
    s.semantics = parse_semantics(vm["semantics"].as<std::string>(), "--semantics");
    s.sigma = vm["sigma"].as<double>();
    s.die_seed = vm["die-seed"].as<uint64_t>();
    if (!vm["die-seed"].defaulted() && s.sigma == 0) fail("--die-seed picks a die of a population: it needs --sigma > 0");
    return s;
}

TimingSetupOptions accelerator_timing_options(const po::variables_map& vm, const std::string& corner, int width) {
    TimingSetupOptions o;
    o.rtl = source_dir() + "/rtl/booth_mul.v";
    o.script = source_dir() + "/rtl/synth.tcl";
    o.top = "booth_mul";
    o.width = width;
    o.out = vm["out"].as<std::string>();
    set_corner_liberty(vm, vm.count("liberty") ? vm["corner"].as<std::string>() : check_corner(corner), o);
    return o;
}

PointTiming resolve_point(const po::variables_map& vm, const TimingSetupOptions& setup, OperatingPointSpec spec) {
    spec.corner = setup.corner_name;
    return resolve_point_timing(setup, spec, vm["pdk-dir"].as<std::string>());
}

PointTiming resolve_table_point(const po::variables_map& vm, const std::filesystem::path& tables) {
    const ErrorTables head = ErrorTables::read_attributes(tables);
    OperatingPointSpec spec;
    spec.corner = head.corner;
    if (head.voltage > 0) spec.voltage = head.voltage;
    spec.clock = {ClockSpec::Kind::Picoseconds, head.clock_ps};
    spec.time_step_ps = head.time_step_ps;
    spec.semantics = parse_semantics(head.semantics, tables.string() + ": attribute 'semantics'");
    spec.sigma = head.sigma;
    spec.die_seed = head.die_seed ? head.die_seed : 1;
    const TimingSetupOptions setup = accelerator_timing_options(vm, spec.corner, head.width);
    PointTiming pt = resolve_point(vm, setup, spec);
    // The model must be the table's multiplier: the same netlist and delays at the same point.
    if (head.netlist_hash != pt.netlist_hash || head.sdf_hash != pt.sdf_hash || (!head.key.empty() && head.key != pt.key))
        fail(tables.string() + " was made from netlist " + head.netlist_hash + " and SDF " + head.sdf_hash +
             (head.key.empty() ? std::string(" (made before the table cache)") : ", key " + head.key) + ", but the multiplier under " +
             setup.out.string() + " is netlist " + pt.netlist_hash + ", SDF " + pt.sdf_hash + ", key " + pt.key +
             ": a timed model of the table's own netlist and delays is needed; remake the table with `tesa characterize " +
             pt.point.characterize_options() + "`");
    return pt;
}

std::filesystem::path find_cached_tables(const po::variables_map& vm, const TimingSetupOptions& setup, const OperatingPointSpec& spec) {
    const PointTiming pt = resolve_point(vm, setup, spec);
    if (!std::filesystem::exists(pt.file))
        fail("no error tables cached for " + pt.point.describe() + " (" + pt.file.string() + "): run `tesa characterize " +
             pt.point.characterize_options() + " --out " + setup.out.string() + "` first, or give --tables FILE");
    return pt.file;
}

ErrorTables write_error_tables(const PointTiming& pt, const std::filesystem::path& out, int threads, uint32_t chunk,
                               bool compile_exact, Context& ctx, const ShardSpec& shard) {
    CharacterizeOptions co;
    co.worker_source = std::filesystem::path(source_dir()) / "timing" / "characterize_worker.cpp";
    co.threads = threads;
    co.chunk = chunk;
    co.progress = [&ctx](const std::string& line) { ctx.err << line << std::endl; };
    co.compile_exact = compile_exact;
    co.shard = shard;
    LaneEngineStats st;
    ErrorTables tables = characterize_point(pt, out, co, &st);
    if (st.transitions)
        ctx.err << "characterize: " << st.exact << " of " << st.transitions
                << " transitions computed now went through the exact program (the bound proved the rest)" << std::endl;
    return tables;
}

}  // namespace tesa::cli
