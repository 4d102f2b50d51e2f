// timing_command.cpp -- `tesa timing report|sim`: OpenSTA timing of the multiplier in its PE, and
// the exact event-driven simulation of random cycles under a shortened clock.
#include "apps/tesa/commands.h"

#include "common/error.h"
#include "common/file_util.h"
#include "timing/error_rate.h"
#include "timing/event_simulator.h"
#include "timing/icarus_check.h"
#include "timing/timed_netlist.h"
#include "timing/timing_setup.h"
#include "timing/unrolled_model.h"
#include "timing/voltage_model.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <random>
#include <sstream>

namespace tesa::cli {

namespace {

int run_report(const po::variables_map& vm, Context& ctx) {
    const std::string corner = check_corner(vm["corner"].as<std::string>());
    TimingSetup t = prepare_timing(timing_setup_options(vm, corner));
    ctx.out << read_file(t.sta.report) << "results: " << t.sta.out_dir.string() << " (SDF: " << t.sta.sdf.filename().string()
            << ", OpenSTA report: sta.log)\n";
    return 0;
}

// A decimal operand, signed or as its unsigned bit pattern.
uint32_t parse_operand(const std::string& s, int width) {
    const int64_t lo = -(int64_t{1} << (width - 1)), hi = (int64_t{1} << width) - 1;
    const int64_t v = parse_int(s, "--transition: operand", lo, hi);
    return static_cast<uint32_t>(v) & ((1u << width) - 1);
}

CondMode cond_mode(const std::string& cond) {
    if (cond == "max") return CondMode::Max;
    if (cond == "exact") return CondMode::Exact;
    if (cond == "uncond") return CondMode::Unconditional;
    fail("--cond '" + cond + "': expected max, exact or uncond");
}

// Clock, COND handling, triples, variation and step from the options (not the voltage).
TimingConditions conditions_from(const po::variables_map& vm, double sta_period) {
    TimingConditions c;
    if (vm.count("clock-ps")) c.clock_period_ps = vm["clock-ps"].as<double>();
    else c.clock_period_ps = vm["clock-scale"].as<double>() * sta_period;
    if (c.clock_period_ps <= 0) fail("the clock period must be positive");
    const std::string triple = vm["triple"].as<std::string>();
    if (triple != "max" && triple != "min") fail("--triple '" + triple + "': expected max or min");
    c.cond = cond_mode(vm["cond"].as<std::string>());
    c.triple = triple == "max" ? TripleSelect::Max : TripleSelect::Min;
    c.sigma = vm["sigma"].as<double>();
    c.seed = vm["seed"].as<uint64_t>();
    c.time_step_ps = vm["time-step"].as<double>();
    const std::string line = vm["line"].as<std::string>();
    if (line != "edge" && line != "single") fail("--line '" + line + "': expected edge or single");
    c.line = line == "edge" ? TimingConditions::Line::InputEdge : TimingConditions::Line::Single;
    return c;
}

DelayMode delay_mode(const std::string& mode) {
    if (mode == "transport") return DelayMode::Transport;
    if (mode == "inertial") return DelayMode::Inertial;
    if (mode == "delay-line") return DelayMode::DelayLine;
    if (mode == "sdf-sim") return DelayMode::SdfSim;
    fail("--mode '" + mode + "': expected sdf-sim, transport, inertial or delay-line");
}

struct TesaVariant {
    std::string name;
    DelayMode mode;
    CondMode cond;
};

// One row per tesa variant: share of the transitions where tesa captures Icarus' product.
void report_agreement(const TimingSetup& t, const TimingConditions& base, const char* icarus_name,
                      const IcarusCheckResult& r, const std::vector<TesaVariant>& variants, std::ostream& out) {
    TimingConditions pc = base;
    pc.cond = CondMode::Max;
    const TimedNetlist plain = TimedNetlist::build(*t.netlist, *t.sdf, pc);
    long icarus_wrong = 0;
    for (size_t i = 0; i < r.transitions.size(); ++i)
        icarus_wrong += r.captured[i] != plain.product(r.transitions[i].a, r.transitions[i].b);
    for (const TesaVariant& v : variants) {
        TimingConditions sc = base;
        sc.cond = v.cond;
        TimedNetlist tn = TimedNetlist::build(*t.netlist, *t.sdf, sc);
        EventSimulator sim(tn, v.mode);
        long agree = 0, wrong = 0;
        for (size_t i = 0; i < r.transitions.size(); ++i) {
            const Transition& x = r.transitions[i];
            uint32_t p = sim.capture(x.a_prev, x.b_prev, x.a, x.b);
            agree += p == r.captured[i];
            wrong += p != tn.product(x.a, x.b);
        }
        char buf[300];
        std::snprintf(buf, sizeof buf, "%-23s %-23s %6.2f%%  %6ld         %6ld\n", icarus_name, v.name.c_str(),
                      100.0 * agree / static_cast<double>(r.transitions.size()), icarus_wrong, wrong);
        out << buf;
    }
}

int run_icarus(const po::variables_map& vm, Context& ctx) {
    const std::string corner = check_corner(vm["corner"].as<std::string>());
    TimingSetup t = prepare_timing(timing_setup_options(vm, corner));
    TimingConditions base = conditions_from(vm, t.sta.min_period_ps);
    const long samples = vm["samples"].as<long>();
    const std::filesystem::path work = std::filesystem::path(vm["out"].as<std::string>()) / "icarus" /
                                       ("booth_mul_w" + std::to_string(t.netlist->find_port("a")->bits.size()) + "_" + corner);
    char buf[300];
    std::snprintf(buf, sizeof buf, "T_clk = %.1f ps (%.3f x OpenSTA min period), %ld random transitions, seed %llu\n",
                  base.clock_period_ps, base.clock_period_ps / t.sta.min_period_ps, samples,
                  static_cast<unsigned long long>(base.seed));
    ctx.out << buf;
    ctx.out << "Icarus model            tesa model              agree    wrong(Icarus)  wrong(tesa)\n";
    for (IcarusModel im : {IcarusModel::Conditional, IcarusModel::Specify, IcarusModel::Transport}) {
        IcarusCheckOptions io;
        io.model = im;
        io.samples = samples;
        io.seed = base.seed;
        io.sdf = std::filesystem::absolute(t.sta.sdf);
        io.work_dir = work / (im == IcarusModel::Conditional ? "conditional" : im == IcarusModel::Specify ? "specify" : "transport");
        // The conditional model carries tesa's state-dependent delays, the NBA model its max over COND.
        TimingConditions tc = base;
        tc.cond = im == IcarusModel::Conditional ? CondMode::Exact : CondMode::Max;
        const TimedNetlist timed = TimedNetlist::build(*t.netlist, *t.sdf, tc);
        const IcarusCheckResult r = run_icarus_check(*t.netlist, timed, io);
        if (im == IcarusModel::Conditional) {
            report_agreement(t, base, "specify+COND", r,
                             {{"sdf-sim", DelayMode::SdfSim, CondMode::Exact},
                              {"Icarus' modpath rules", DelayMode::IcarusModpath, CondMode::Exact},
                              {"inertial, COND exact", DelayMode::Inertial, CondMode::Exact},
                              {"transport, COND exact", DelayMode::Transport, CondMode::Exact}},
                             ctx.out);
            continue;
        }
        std::vector<TesaVariant> variants;
        for (CondMode cm : {CondMode::Max, CondMode::Unconditional, CondMode::Exact})
            for (DelayMode dm : {DelayMode::Transport, DelayMode::Inertial})
                variants.push_back({std::string(dm == DelayMode::Transport ? "transport" : "inertial") + ", COND " +
                                        (cm == CondMode::Max ? "max" : cm == CondMode::Unconditional ? "uncond" : "exact"),
                                    dm, cm});
        report_agreement(t, base, im == IcarusModel::Specify ? "specify+SDF" : "NBA transport", r, variants, ctx.out);
    }
    ctx.out << "work files: " << work.string() << "\n";
    return 0;
}

int run_unroll(const po::variables_map& vm, Context& ctx) {
    const std::string corner = check_corner(vm["corner"].as<std::string>());
    TimingSetup t = prepare_timing(timing_setup_options(vm, corner));
    TimingConditions c = conditions_from(vm, t.sta.min_period_ps);
    if (c.time_step_ps == 0) c.time_step_ps = 10;
    const std::string line = vm["line"].as<std::string>();
    if (!vm.count("verilog")) fail("tesa timing unroll needs --verilog FILE");
    TimedNetlist tn = TimedNetlist::build(*t.netlist, *t.sdf, c);
    UnrolledModel m = UnrolledModel::build(tn, *t.netlist);
    const int lanes = vm["lanes"].as<int>();
    if (lanes < 0 || lanes > 4096) fail("--lanes must be 0 (scalar) or a lane count up to 4096");
    write_file_if_changed(vm["verilog"].as<std::string>(), m.verilog(vm["module"].as<std::string>(), lanes));
    char buf[300];
    std::snprintf(buf, sizeof buf,
                  "time-unrolled model: T_clk %.1f ps (%.3f x %.1f ps), step %.0f ps, %s line delays: %zu nodes, "
                  "%d gate instants, %ld samples\n",
                  c.clock_period_ps, c.clock_period_ps / t.sta.min_period_ps, t.sta.min_period_ps, c.time_step_ps,
                  line.c_str(), m.nodes().size(), m.gate_nodes(), m.sample_count());
    ctx.out << buf << "written: " << vm["verilog"].as<std::string>() << (lanes ? " (" + std::to_string(lanes) + " lanes)" : std::string(" (scalar)")) << "\n";
    return 0;
}

int run_sim(const po::variables_map& vm, Context& ctx) {
    const std::string corner = check_corner(vm["corner"].as<std::string>());
    TimingSetup t = prepare_timing(timing_setup_options(vm, corner));
    const double sta_period = t.sta.min_period_ps;
    TimingConditions c = conditions_from(vm, sta_period);
    std::string cond = vm["cond"].as<std::string>();
    const std::string triple = vm["triple"].as<std::string>(), mode = vm["mode"].as<std::string>();
    if (mode == "sdf-sim") {  // evaluates COND entries by definition
        if (!vm["cond"].defaulted() && cond != "exact") fail("--mode sdf-sim evaluates COND entries: it takes no --cond " + cond);
        c.cond = CondMode::Exact;
        cond = "exact";
    }
    std::ostringstream head;
    if (vm.count("voltage")) {
        std::vector<VoltagePoint> pts;
        for (const char* k : {"fast", "typ", "slow"}) {
            TimingSetup s = k == corner ? TimingSetup{} : prepare_timing(timing_setup_options(vm, k));
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
    EventSimulator sim(tn, delay_mode(mode));
    const int n = tn.width();

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
    ErrorRate er = measure_error_rate(sim, random_transitions(n, samples, c.seed));
    const long settle_samples = std::min<long>(samples, 5000);
    const double latest = latest_arrival_ps(sim, random_transitions(n, settle_samples, c.seed + 1));
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
                  latest, er.wrong, er.samples, er.rate(), er.ci95(),
                  er.wrong ? static_cast<double>(er.wrong_bits) / er.wrong : 0.0);
    ctx.out << buf;
    if (mode == "sdf-sim")
        ctx.out << "sdf-sim       " << sim.fallbacks()
                << " output changes with no enabled path among the changed inputs (smallest entry delay used)\n";
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
        "tesa timing sim --clock-scale S | --clock-ps T [--mode sdf-sim|transport|inertial|delay-line] [--cond max|exact]\n"
        "  Simulates random (previous, current) operand transitions with the exact event-driven\n"
        "  model and reports how many captured products are wrong. --voltage V scales delays with an\n"
        "  alpha-power law fitted to the fast/typ/slow corners; --sigma adds per-instance variation.\n"
        "  --vcd FILE --transition a_prev,b_prev,a,b writes one cycle's waveform.\n"
        "tesa timing icarus --clock-scale S --samples N\n"
        "  Simulates the same random transitions in Icarus Verilog (specify blocks + $sdf_annotate, and\n"
        "  per-arc non-blocking delays) and reports agreement with tesa's event-driven modes.\n"
        "tesa timing unroll --clock-scale S --time-step PS [--lanes L] --verilog FILE\n"
        "  Writes the time-unrolled delay-line model (same semantics as --mode delay-line) as Verilog:\n"
        "  scalar ports a_prev, b_prev, a, b -> p, or L independent lanes per port bit.";
    c.positional = {"action"};
    c.add_options = [](po::options_description& d) {
        d.add_options()("action", po::value<std::string>()->required()->value_name("report|sim|icarus|unroll"), "what to do");
        add_design_options(d);
        add_liberty_options(d);
        d.add_options()
            ("netlist", po::value<std::string>()->value_name("FILE"), "mapped netlist (default: synthesize at typ)")
            ("paths", bounded<int>("paths", Range::closed(1, 100000))->default_value(10)->value_name("N"), "worst endpoints to report")
            ("clock-scale", bounded<double>("clock-scale", Range::closed(0.1, 4.0))->default_value(1.0)->value_name("S"), "T_clk = S x OpenSTA's min period")
            ("clock-ps", bounded<double>("clock-ps", Range::closed(1, 1e6))->value_name("T"), "T_clk in ps (overrides --clock-scale)")
            ("mode", po::value<std::string>()->default_value("transport")->value_name("sdf-sim|transport|inertial|delay-line"),
             "gate delay semantics (sdf-sim: an SDF-annotated Verilog simulation, COND exact; delay-line: the "
             "time-unrolled models' per-pin delay lines)")
            ("cond", po::value<std::string>()->default_value("max")->value_name("max|exact|uncond"),
             "COND delays: max over conditions, state-dependent, or unconditional entries only (as Icarus reads SDF)")
            ("triple", po::value<std::string>()->default_value("max")->value_name("max|min"), "value of SDF (min::max) triples")
            ("voltage", bounded<double>("voltage", Range::closed(0.5, 2.0))->value_name("V"), "supply voltage (alpha-power scaling of the corner's delays)")
            ("sigma", bounded<double>("sigma", Range::closed(0, 0.5))->default_value(0.0)->value_name("F"), "per-instance Gaussian delay sigma (fraction)")
            ("seed", po::value<uint64_t>()->default_value(1)->value_name("X"), "seed of the variation and the random operands")
            ("time-step", bounded<double>("time-step", Range::closed(0, 100))->default_value(0.0)->value_name("PS"), "round delays to this step (0: exact)")
            ("samples", bounded<long>("samples", Range::closed(1, 1e10))->default_value(20000)->value_name("N"), "random transitions to simulate")
            ("vcd", po::value<std::string>()->value_name("FILE"), "write the waveform of --transition as VCD")
            ("transition", po::value<std::string>()->value_name("ap,bp,a,b"), "one (previous, current) operand pair")
            ("line", po::value<std::string>()->default_value("edge")->value_name("edge|single"),
             "delay-line model: per-input-edge delays, or one max(rise, fall) delay per arc")
            ("verilog", po::value<std::string>()->value_name("FILE"), "unroll: the Verilog file to write")
            ("lanes", bounded<int>("lanes", Range::closed(0, 4096))->default_value(0)->value_name("L"), "unroll: 0 scalar ports, else L-lane bit-sliced ports")
            ("module", po::value<std::string>()->default_value("booth_mul_timed")->value_name("NAME"), "unroll: module name");
    };
    c.run = [](const po::variables_map& vm, Context& ctx) {
        const std::string action = vm["action"].as<std::string>();
        if (action == "report") return run_report(vm, ctx);
        if (action == "sim") return run_sim(vm, ctx);
        if (action == "icarus") return run_icarus(vm, ctx);
        if (action == "unroll") return run_unroll(vm, ctx);
        fail("tesa timing: unknown action '" + action + "' (expected report, sim, icarus or unroll)");
    };
    return c;
}

}  // namespace tesa::cli
