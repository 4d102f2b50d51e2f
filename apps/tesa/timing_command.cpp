// timing_command.cpp -- `tesa timing report|sim`: OpenSTA timing of the multiplier in its PE, and
// the exact event-driven simulation of random cycles under a shortened clock.
#include "apps/tesa/commands.h"

#include "common/error.h"
#include "common/file_util.h"
#include "timing/event_simulator.h"
#include "timing/timed_netlist.h"
#include "timing/timing_setup.h"
#include "timing/voltage_model.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <random>
#include <sstream>

namespace tesa::cli {

namespace {

TimingSetupOptions setup_options(const po::variables_map& vm, const std::string& corner) {
    TimingSetupOptions o;
    SynthOptions s = synth_options(vm);
    o.rtl = s.rtl;
    o.script = s.script;
    o.top = s.top;
    o.width = s.width;
    o.out = vm["out"].as<std::string>();
    o.path_count = vm["paths"].as<int>();
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

std::string check_corner(const std::string& c) {
    if (c != "typ" && c != "fast" && c != "slow") fail("--corner '" + c + "': expected typ, fast or slow");
    return c;
}

int run_report(const po::variables_map& vm, Context& ctx) {
    const std::string corner = check_corner(vm["corner"].as<std::string>());
    TimingSetup t = prepare_timing(setup_options(vm, corner));
    ctx.out << read_file(t.sta.report) << "results: " << t.sta.out_dir.string() << " (SDF: " << t.sta.sdf.filename().string()
            << ", OpenSTA report: sta.log)\n";
    return 0;
}

uint32_t parse_operand(const std::string& s, int width) {
    long v = std::stol(s, nullptr, 0);
    long lo = -(1L << (width - 1)), hi = (1L << width) - 1;
    if (v < lo || v > hi) fail("--transition: operand " + s + " does not fit in " + std::to_string(width) + " bits");
    return static_cast<uint32_t>(v) & ((1u << width) - 1);
}

int run_sim(const po::variables_map& vm, Context& ctx) {
    const std::string corner = check_corner(vm["corner"].as<std::string>());
    TimingSetup t = prepare_timing(setup_options(vm, corner));
    TimingConditions c;
    const double sta_period = t.sta.min_period_ps;
    if (vm.count("clock-ps")) c.clock_period_ps = vm["clock-ps"].as<double>();
    else c.clock_period_ps = vm["clock-scale"].as<double>() * sta_period;
    if (c.clock_period_ps <= 0) fail("the clock period must be positive");
    const std::string cond = vm["cond"].as<std::string>(), triple = vm["triple"].as<std::string>(),
                      mode = vm["mode"].as<std::string>();
    if (cond != "max" && cond != "exact") fail("--cond '" + cond + "': expected max or exact");
    if (triple != "max" && triple != "min") fail("--triple '" + triple + "': expected max or min");
    if (mode != "transport" && mode != "inertial") fail("--mode '" + mode + "': expected transport or inertial");
    c.cond = cond == "max" ? CondMode::Max : CondMode::Exact;
    c.triple = triple == "max" ? TripleSelect::Max : TripleSelect::Min;
    c.sigma = vm["sigma"].as<double>();
    c.seed = vm["seed"].as<uint64_t>();
    c.time_step_ps = vm["time-step"].as<double>();
    std::ostringstream head;
    if (vm.count("voltage")) {
        std::vector<VoltagePoint> pts;
        for (const char* k : {"fast", "typ", "slow"}) {
            TimingSetup s = k == corner ? TimingSetup{} : prepare_timing(setup_options(vm, k));
            const TimingSetup& use = k == corner ? t : s;
            pts.push_back({use.liberty->nom_voltage(), use.sta.min_period_ps});
        }
        AlphaPowerModel m = AlphaPowerModel::fit(pts);
        const double v = vm["voltage"].as<double>();
        c.delay_scale = m.scale(t.liberty->nom_voltage(), v);
        head << "voltage       " << v << " V: delays x " << c.delay_scale << " from the " << corner << " corner ("
             << t.liberty->nom_voltage() << " V); " << m.describe() << "\n";
    }
    TimedNetlist tn = TimedNetlist::build(*t.netlist, *t.sdf, c);
    EventSimulator sim(tn, mode == "transport" ? DelayMode::Transport : DelayMode::Inertial);
    const int n = tn.width();
    const uint32_t mask = (1u << n) - 1, pmask = n == 16 ? ~0u : (1u << (2 * n)) - 1;

    if (vm.count("vcd")) {
        if (!vm.count("transition")) fail("--vcd needs --transition a_prev,b_prev,a,b");
        std::vector<uint32_t> ops;
        std::stringstream ss(vm["transition"].as<std::string>());
        for (std::string item; std::getline(ss, item, ',');) ops.push_back(parse_operand(item, n));
        if (ops.size() != 4) fail("--transition takes four operands: a_prev,b_prev,a,b");
        sim.record(true);
        uint32_t p = sim.capture(ops[0], ops[1], ops[2], ops[3]);
        sim.settle_time(ops[0], ops[1], ops[2], ops[3]);  // whole waveform in the VCD
        std::ostringstream vcd;
        sim.write_vcd(vcd, ops[0], ops[1], ops[2], ops[3]);
        write_file_atomic(vm["vcd"].as<std::string>(), vcd.str());
        ctx.out << "captured 0x" << std::hex << p << ", exact 0x" << tn.product(ops[2], ops[3]) << std::dec
                << "; waveform written to " << vm["vcd"].as<std::string>() << "\n";
        return 0;
    }

    const long samples = vm["samples"].as<long>();
    std::mt19937_64 rng(c.seed);
    long wrong = 0, wrong_bits = 0;
    double latest = 0;
    for (long i = 0; i < samples; ++i) {
        uint64_t r = rng();
        uint32_t ap = r & mask, bp = (r >> 16) & mask, a = (r >> 32) & mask, b = (r >> 48) & mask;
        uint32_t p = sim.capture(ap, bp, a, b), exact = tn.product(a, b) & pmask;
        if (p != exact) {
            ++wrong;
            wrong_bits += __builtin_popcount(p ^ exact);
        }
    }
    std::mt19937_64 rng2(c.seed + 1);
    const long settle_samples = std::min<long>(samples, 5000);
    for (long i = 0; i < settle_samples; ++i) {
        uint64_t r = rng2();
        latest = std::max(latest, sim.settle_time(r & mask, (r >> 16) & mask, (r >> 32) & mask, (r >> 48) & mask));
    }
    const double rate = static_cast<double>(wrong) / samples;
    const double half = 1.96 * std::sqrt(rate * (1 - rate) / samples);
    char buf[1200];
    ctx.out << head.str();
    std::snprintf(buf, sizeof buf,
                  "corner        %s, N=%d, %s delays, COND %s, SDF %s values\n"
                  "clock         T_clk = %.1f ps = %.3f x OpenSTA min period %.1f ps\n"
                  "timed model   static longest path %.1f ps (OpenSTA data arrival %.1f ps); latest product-bit "
                  "transition seen in %ld random cycles %.1f ps\n"
                  "errors        %ld of %ld random transitions wrong: rate %.5f (95%% CI +- %.5f), %.2f wrong bits "
                  "per wrong product\n",
                  corner.c_str(), n, mode.c_str(), cond.c_str(), triple.c_str(), c.clock_period_ps,
                  c.clock_period_ps / sta_period, sta_period, tn.static_arrival_ps(), t.sta.arrival_ps, settle_samples,
                  latest, wrong, samples, rate, half, wrong ? static_cast<double>(wrong_bits) / wrong : 0.0);
    ctx.out << buf;
    return 0;
}

}  // namespace

Command make_timing_command() {
    Command c;
    c.name = "timing";
    c.summary = "OpenSTA timing (report) and event-driven simulation under a short clock (sim)";
    c.description =
        "tesa timing report [--corner C]\n"
        "  Times the synthesized multiplier between DFF_X1 launch/capture registers with OpenSTA,\n"
        "  prints the critical path with its cells and the worst endpoints, writes SDF.\n"
        "tesa timing sim --clock-scale S | --clock-ps T [--mode transport|inertial] [--cond max|exact]\n"
        "  Simulates random (previous, current) operand transitions with the exact event-driven\n"
        "  model and reports how many captured products are wrong. --voltage V scales delays with an\n"
        "  alpha-power law fitted to the fast/typ/slow corners; --sigma adds per-instance variation.\n"
        "  --vcd FILE --transition a_prev,b_prev,a,b writes one cycle's waveform.";
    c.positional = "action";
    c.add_options = [](po::options_description& d) {
        d.add_options()("action", po::value<std::string>()->required()->value_name("report|sim"), "what to do");
        add_design_options(d);
        add_liberty_options(d);
        d.add_options()
            ("netlist", po::value<std::string>()->value_name("FILE"), "mapped netlist (default: synthesize at typ)")
            ("paths", po::value<int>()->default_value(10)->value_name("N"), "worst endpoints to report")
            ("clock-scale", po::value<double>()->default_value(1.0)->value_name("S"), "T_clk = S x OpenSTA's min period")
            ("clock-ps", po::value<double>()->value_name("T"), "T_clk in ps (overrides --clock-scale)")
            ("mode", po::value<std::string>()->default_value("transport")->value_name("transport|inertial"), "gate delay semantics")
            ("cond", po::value<std::string>()->default_value("max")->value_name("max|exact"), "COND delays: max over conditions, or state-dependent")
            ("triple", po::value<std::string>()->default_value("max")->value_name("max|min"), "value of SDF (min::max) triples")
            ("voltage", po::value<double>()->value_name("V"), "supply voltage (alpha-power scaling of the corner's delays)")
            ("sigma", po::value<double>()->default_value(0.0)->value_name("F"), "per-instance Gaussian delay sigma (fraction)")
            ("seed", po::value<uint64_t>()->default_value(1)->value_name("X"), "seed of the variation and the random operands")
            ("time-step", po::value<double>()->default_value(0.0)->value_name("PS"), "round delays to this step (0: exact)")
            ("samples", po::value<long>()->default_value(20000)->value_name("N"), "random transitions to simulate")
            ("vcd", po::value<std::string>()->value_name("FILE"), "write the waveform of --transition as VCD")
            ("transition", po::value<std::string>()->value_name("ap,bp,a,b"), "one (previous, current) operand pair");
    };
    c.run = [](const po::variables_map& vm, Context& ctx) {
        const std::string action = vm["action"].as<std::string>();
        if (action == "report") return run_report(vm, ctx);
        if (action == "sim") return run_sim(vm, ctx);
        fail("tesa timing: unknown action '" + action + "' (expected report or sim)");
    };
    return c;
}

}  // namespace tesa::cli
