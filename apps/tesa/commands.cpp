// commands.cpp -- the one place where sub-commands are listed, and the shared option groups.
#include "apps/tesa/commands.h"

#include "timing/semantics.h"

#include "common/error.h"
#include "timing/characterizer.h"
#include "timing/sdf_sim_engine.h"

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

std::string check_corner(const std::string& c) {
    if (c != "typ" && c != "fast" && c != "slow") fail("--corner '" + c + "': expected typ, fast or slow");
    return c;
}

TimingSetupOptions timing_setup_options(const po::variables_map& vm, const std::string& corner) {
    TimingSetupOptions o;
    SynthOptions s = synth_options(vm);
    o.rtl = s.rtl;
    o.script = s.script;
    o.top = s.top;
    o.width = s.width;
    o.out = vm["out"].as<std::string>();
    if (vm.count("paths")) o.path_count = vm["paths"].as<int>();
    if (vm.count("netlist")) o.netlist = vm["netlist"].as<std::string>();
    const std::filesystem::path pdk = vm["pdk-dir"].as<std::string>();
    o.synth_liberty = pdk / "nangate45_typ.lib.gz";
    if (vm.count("liberty") && corner == vm["corner"].as<std::string>()) {
        o.liberty = vm["liberty"].as<std::string>();
        o.corner_name = o.liberty.stem().stem().string();
    } else {
        o.liberty = pdk / ("nangate45_" + corner + ".lib.gz");
        o.corner_name = corner;
    }
    return o;
}

std::filesystem::path write_error_tables(const TimingSetup& t, const std::string& corner, double clock_scale,
                                         double time_step, const std::filesystem::path& out, int threads,
                                         uint32_t chunk, Context& ctx, ErrorTables& tables, const std::string& semantics,
                                         bool compile_exact) {
    const Semantics sem = parse_semantics(semantics, "--semantics");
    if (sem == Semantics::Transport)
        fail("--semantics transport: exhaustive tables are made in sdf-sim or delay-line (transport has no fast "
             "engine yet; `tesa timing sim --mode transport` samples it)");
    TimingConditions c;
    c.clock_period_ps = clock_scale * t.sta.min_period_ps;
    c.time_step_ps = time_step;
    c.cond = cond_mode_of(sem);
    TimedNetlist tn = TimedNetlist::build(*t.netlist, *t.sdf, c);
    const std::filesystem::path file =
        error_tables_file(out, t.netlist->module_name(), tn.width(), corner, clock_scale, time_step, semantics);
    CharacterizeOptions co;
    co.work_dir = out / "characterize" / file.stem();
    co.worker_source = std::filesystem::path(source_dir()) / "timing" / "characterize_worker.cpp";
    co.threads = threads;
    co.chunk = chunk;
    co.progress = [&ctx](const std::string& line) { ctx.err << line << std::endl; };
    co.compile_exact = compile_exact;
    if (sem == Semantics::SdfSim) {
        SdfSimEngineStats st;
        tables = characterize_sdf_sim(tn, co, &st);
        tables.model = "sdf-sim lane program, stability bound + exact evaluation";
        if (st.transitions)
            ctx.err << "characterize: " << st.exact << " of " << st.transitions
                    << " transitions computed now went through the exact program (the bound proved the rest)" << std::endl;
    } else {
        tables = characterize(tn, *t.netlist, co);
        tables.model = "time-unrolled, input-edge lines, max over COND";
    }
    tables.semantics = semantics_name(sem);
    tables.clock_scale = clock_scale;
    tables.corner = corner;
    tables.netlist_hash = file_hash(t.netlist->file());
    tables.sdf_hash = file_hash(t.sta.sdf);
    tables.tesa_version = TESA_VERSION;
    tables.write(file);
    return file;
}

void require_cosim_semantics(const ErrorTables& tables, const std::string& file) {
    if (tables.semantics != semantics_name(Semantics::DelayLine))
        fail(file + " was made in the " + tables.semantics +
             " semantics, but --backend cosim runs the built-in Verilated delay-line model; use --backend fast "
             "(the tables' own transitions) or tables made with --semantics delay-line");
}

std::filesystem::path error_tables_file(const std::filesystem::path& out, const std::string& top, int width,
                                        const std::string& corner, double clock_scale, double time_step,
                                        const std::string& semantics) {
    char tag[64];
    std::snprintf(tag, sizeof tag, "_s%.2f_step%.2f", clock_scale, time_step);
    const std::string sem = semantics == "delay-line" ? "" : "_" + semantics;
    return out / "tables" / (top + "_w" + std::to_string(width) + "_" + corner + tag + sem + ".h5");
}

std::string fmt(const char* format, double v) {
    char b[64];
    std::snprintf(b, sizeof b, format, v);
    return b;
}

std::vector<std::string> split_list(const std::string& s, char sep) {
    std::vector<std::string> items;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, sep);)
        if (!item.empty()) items.push_back(item);
    return items;
}

}  // namespace tesa::cli
