// explore_command.cpp -- `tesa explore`: the accuracy-energy trade-off over a grid of supply
// voltages x clocks (compiler/tradeoff.h): the error tables of every point (and of the sampled
// dies) from the cache, characterized where missing; the network's energy per inference measured
// once on the array's PE netlist (sc_models/network_energy.h) and priced at each point; CSV,
// Markdown and a matplotlib plot (scripts/plot_tradeoff.py).
#include "apps/tesa/accelerator_commands.h"

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"
#include "common/validate.h"
#include "compiler/tradeoff.h"
#include "networks/datasets.h"
#include "networks/quantize.h"
#include "rtl/pe_design.h"
#include "sc_models/array_inference.h"
#include "sc_models/network_energy.h"
#include "timing/transition_table.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <ostream>

namespace tesa::cli {

std::filesystem::path run_and_write_explore(const po::variables_map& vm, const ExploreSpec& s, Context& ctx) {
    const auto t0 = std::chrono::steady_clock::now();
    if (s.voltages.empty() || s.clocks.empty()) fail("explore: at least one voltage and one clock");
    const Model m = load_network(s.network, "");
    const std::filesystem::path data = vm["data-dir"].as<std::string>();
    const std::filesystem::path out = vm["out"].as<std::string>();
    const std::string corner = check_corner(vm["corner"].as<std::string>());
    const TimingSetupOptions setup = accelerator_timing_options(vm, corner);

    // The points, nominal die and sampled dies; every table checked or made before any study.
    struct Point {
        PointTiming nominal;
        std::vector<PointTiming> dies;
    };
    std::vector<Point> points;
    double nominal_v = 0;
    for (double v : s.voltages)
        for (const ClockSpec& clock : s.clocks) {
            OperatingPointSpec spec;
            spec.corner = corner;
            spec.clock = clock;
            spec.time_step_ps = s.time_step_ps;
            spec.semantics = s.semantics;
            if (nominal_v == 0) nominal_v = resolve_point(vm, setup, spec).point.nominal_voltage;
            // The corner's own voltage is the corner as timed: the same table as without --voltage.
            if (std::fabs(v - nominal_v) > 1e-9) spec.voltage = v;
            Point p{resolve_point(vm, setup, spec), {}};
            for (int d = 0; d < s.dies; ++d) {
                OperatingPointSpec die = spec;
                die.sigma = s.sigma;
                die.die_seed = s.first_die + static_cast<uint64_t>(d);
                p.dies.push_back(resolve_point(vm, setup, die));
            }
            points.push_back(std::move(p));
        }
    std::vector<const PointTiming*> all;
    for (const Point& p : points) {
        all.push_back(&p.nominal);
        for (const PointTiming& d : p.dies) all.push_back(&d);
    }
    std::map<std::string, ErrorTables> tables;  // by file
    size_t made = 0;
    for (size_t i = 0; i < all.size(); ++i) {
        const PointTiming& pt = *all[i];
        const std::string key = pt.file.string();
        if (tables.count(key)) continue;
        ctx.err << "explore: tables " << i + 1 << "/" << all.size() << ": " << pt.point.describe()
                << (std::filesystem::exists(pt.file) ? " (cached)" : " (characterizing)") << std::endl;
        if (std::filesystem::exists(pt.file)) tables.emplace(key, ErrorTables::read(pt.file));
        else tables.emplace(key, write_error_tables(pt, out, 2, 256, true, ctx)), ++made;
    }
    std::vector<TradeoffPoint> tp;
    for (const Point& p : points) {
        TradeoffPoint t;
        t.volts = p.nominal.point.volts();
        t.clock_ps = p.nominal.point.clock_ps;
        t.clock_scale = p.nominal.point.clock_scale();
        t.delay_scale = p.nominal.point.delay_scale;
        t.nominal = &tables.at(p.nominal.file.string());
        for (const PointTiming& d : p.dies) t.dies.push_back(&tables.at(d.file.string()));
        tp.push_back(t);
    }

    // Energy: the nearest-rounded network's layers measured once at the first point's clock.
    const ImageSet calib = load_dataset(m.dataset, "train", data).head(1000);
    const QuantizedModel base = QuantizedModel::quantize(m, calib, QuantOptions());
    const ImageSet test = load_dataset(m.dataset, "test", data).head(s.images);
    const ImageSet energy_set = load_dataset(m.dataset, "test", data).head(static_cast<size_t>(s.energy_image) + 1);
    if (energy_set.count() <= static_cast<size_t>(s.energy_image)) fail("--energy-image " + std::to_string(s.energy_image) + ": no such test image");
    const uint8_t* energy_image = energy_set.image(static_cast<size_t>(s.energy_image));
    ArrayEnergySpec es;
    es.network = s.network;
    es.rows = s.rows, es.cols = s.cols, es.dataflow = s.dataflow, es.port = s.study.port;
    es.sample_pes = s.sample_pes, es.power_seed = s.power_seed, es.energy_image = s.energy_image;
    es.glitches = s.glitches;
    es.clock_ps = tp[0].clock_ps;
    es.volts = tp[0].volts;
    const NetworkEnergy energy = measure_array_energy(vm, es, base, ctx);
    const auto price = [&](const TradeoffPoint& p, const QuantizedModel& q) {
        const std::vector<LayerCycles> cycles = count_array_cycles(q, energy_image, s.rows, s.cols, s.dataflow, s.study.port);
        InferenceCost c;
        c.energy_pj = energy.energy_pj(cycles, p.volts, p.clock_ps);
        for (const LayerCycles& l : cycles) c.cycles += l.stats.cycles;
        return c;
    };

    // The variants on the cycle-accurate array (the one the energy is measured on), fast back-end
    // on each table's transitions; one table in memory at a time (the points come in order).
    ArrayAccuracy on_array;
    std::map<const ErrorTables*, std::string> file_of;
    for (const auto& [file, t] : tables) file_of[&t] = file;
    const ErrorTables* loaded = nullptr;
    std::shared_ptr<const TransitionTable> transitions;
    if (s.array_accuracy)
        on_array = [&](const QuantizedModel& q, const ErrorTables& t, double regulation, uint64_t seed) {
            if (loaded != &t) {
                transitions.reset();
                transitions = std::make_shared<TransitionTable>(read_transition_table(file_of.at(&t)));
                loaded = &t;
            }
            ArrayInferenceOptions ao;
            ao.rows = s.rows, ao.cols = s.cols, ao.dataflow = s.dataflow, ao.weight_port = s.study.port;
            ao.regulation = regulation, ao.seed = seed, ao.threads = s.study.threads;
            const std::shared_ptr<const TransitionTable> tt = transitions;
            return evaluate_on_array(q, test, ao, [tt] { return MultiplierBackend::fast(tt); }).result.accuracy();
        };

    StudyOptions so = s.study;
    so.progress = [&ctx](const std::string& l) { ctx.err << "explore: " << l << std::endl; };
    const std::vector<TradeoffRow> rows = run_tradeoff(base, tp, test, so, price, &calib, on_array);
    const std::vector<TradeoffHeadline> heads = tradeoff_headlines(rows);

    std::string tag = "V";
    for (size_t i = 0; i < s.voltages.size(); ++i) tag += (i ? "-" : "") + fmt("%.3f", s.voltages[i]);
    tag += "_T";
    for (size_t i = 0; i < tp.size() && i < s.clocks.size(); ++i) tag += (i ? "-" : "") + fmt("%.1f", tp[i].clock_ps);
    if (s.dies) tag += "_dies" + std::to_string(s.dies) + fmt("_sigma%g", s.sigma);
    tag += std::string("_") + dataflow_name(s.dataflow) + "_port" + weight_port_name(s.study.port);
    if (s.glitches) tag += "_glitches";
    if (s.array_accuracy) tag += "_array";
    const std::string stem = s.network + "_" + tag;
    const std::filesystem::path dir = out / "explore";
    char buf[600];
    std::snprintf(buf, sizeof buf,
                  "%s: accuracy and energy per inference (%s model, weight on port %s, %zu test images, %d seed(s); energy: %dx%d %s array "
                  "PEs, test image %d, %d sampled PEs%s)",
                  s.network.c_str(), error_model_name(so.model), weight_port_name(so.port), test.count(), so.seeds, s.rows, s.cols,
                  dataflow_name(s.dataflow), s.energy_image, s.sample_pes, s.glitches ? ", with the multiplier's glitches" : ", zero-delay activity");
    const std::string md = tradeoff_markdown(rows, heads, buf);
    const std::string csv_text = tradeoff_csv(rows, s.network);
    std::filesystem::create_directories(dir);
    OutputSet results;  // CSV, Markdown and plot: all or none
    const std::filesystem::path csv = dir / (stem + ".csv");
    const std::filesystem::path staged_csv = results.stage(csv);
    {
        std::ofstream f(staged_csv, std::ios::binary);
        f << csv_text;
        if (!f.flush()) fail(staged_csv.string() + ": cannot write");
    }
    results.write(dir / (stem + ".md"), md);
    if (s.plot) {  // the plot reads the staged CSV: what it draws is what is written
        const std::filesystem::path png = results.stage(dir / (stem + ".png"));
        const ProcessResult pr = run_process({plot_python(), source_dir() + "/scripts/plot_tradeoff.py", staged_csv.string(), png.string(), s.network});
        if (pr.exit_code != 0) fail("explore: the plot failed (scripts/plot_tradeoff.py, exit " + std::to_string(pr.exit_code) + "): " + pr.output);
    }
    results.commit();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ctx.out << md << "\nresults: " << std::filesystem::absolute(csv).lexically_normal().string() << " (and .md" << (s.plot ? ", .png" : "")
            << "); " << tables.size() << " tables (" << made << " characterized now), " << fmt("%.0f", secs) << " s\n";
    return csv;
}

namespace {

int run_explore_command(const po::variables_map& vm, Context& ctx) {
    ExploreSpec s;
    s.network = vm["network"].as<std::string>();
    s.voltages.clear();
    s.clocks.clear();
    for (const auto& v : split_list(vm["voltages"].as<std::string>())) s.voltages.push_back(parse_real(v, "--voltages", Range::closed(0.1, 5)));
    const bool mhz = vm.count("frequencies-mhz") > 0;
    if (mhz && !vm["clock-scales"].defaulted()) fail("give the clocks once: --clock-scales or --frequencies-mhz");
    for (const auto& c : split_list(vm[mhz ? "frequencies-mhz" : "clock-scales"].as<std::string>()))
        s.clocks.push_back({mhz ? ClockSpec::Kind::Megahertz : ClockSpec::Kind::Scale,
                            parse_real(c, mhz ? "--frequencies-mhz" : "--clock-scales", mhz ? Range::closed(1, 1e6) : Range::closed(0.1, 4.0))});
    if (s.voltages.empty() || s.clocks.empty()) fail("--voltages and --clock-scales need at least one value each");
    s.time_step_ps = vm["time-step"].as<double>();
    s.semantics = parse_semantics(vm["semantics"].as<std::string>(), "--semantics");
    s.dies = vm["dies"].as<int>();
    s.sigma = vm["sigma"].as<double>();
    s.first_die = vm["first-die"].as<uint64_t>();
    if (s.dies > 0 && !(s.sigma > 0)) fail("--dies needs --sigma > 0 (the per-instance delay variation of the dies)");
    s.study.regulations = split_list(vm["regulation"].as<std::string>());
    for (const auto& r : s.study.regulations) parse_regulation(r);
    if (s.study.regulations.empty() && s.dies == 0) fail("nothing to explore: no --regulation and no --dies");
    s.study.seeds = vm["seeds"].as<int>();
    s.study.first_seed = vm["seed"].as<uint64_t>();
    s.study.wd_fraction = vm["wd-fraction"].as<double>();
    s.study.port = parse_weight_port(vm["weight-port"].as<std::string>());
    s.study.model = parse_error_model(vm["error-model"].as<std::string>());
    s.study.threads = vm["threads"].as<int>();
    s.images = static_cast<size_t>(vm["images"].as<int>());
    parse_array(vm["array"].as<std::string>(), s.rows, s.cols);
    s.dataflow = parse_dataflow(vm["dataflow"].as<std::string>());
    s.sample_pes = vm["sample-pes"].as<int>();
    s.power_seed = vm["power-seed"].as<uint64_t>();
    s.energy_image = vm["energy-image"].as<int>();
    s.glitches = vm["glitches"].as<bool>();
    s.array_accuracy = vm["array-accuracy"].as<bool>();
    s.plot = !vm.count("no-plot");
    run_and_write_explore(vm, s, ctx);
    return 0;
}

}  // namespace

Command make_explore_command() {
    Command c;
    c.name = "explore";
    c.summary = "accuracy against energy per inference over supply voltages x clocks (baseline, TError, EAQ, WD+EAQ)";
    c.description =
        "For every supply in --voltages and every clock in --clock-scales (of OpenSTA's min period at the corner's\n"
        "nominal voltage: the clock does not follow the supply) or --frequencies-mhz: the error tables of the\n"
        "point (cached; characterized when missing, resumable) and, with --dies N, of N dies of a population with\n"
        "per-instance delay sigma --sigma. The paper's study at the point (compiler/tradeoff.h): baseline, TError,\n"
        "WD+EAQ and EAQ under each --regulation on the nominal die, and without regulation (every cycle uses a\n"
        "die's tables) as mean, sd, min and max over the dies; EAQ/WD always from the nominal die's tables.\n"
        "Energy per inference of each variant on the --array's PEs (sc_models/network_energy.h): the PE netlist\n"
        "simulated on the layers' real operand streams of one test image, power by OpenSTA at the three Nangate45\n"
        "corners, priced at the point's supply (dynamic x V^2, leakage interpolated) and clock; zero-delay activity,\n"
        "or with --glitches the multiplier's glitches added from its SDF-timed simulation. --array-accuracy: TError,\n"
        "EAQ and WD+EAQ also on the cycle-accurate --array (--dataflow, --weight-port), whose multipliers fail by the\n"
        "operand sequences they really see (rows 'errors from array'; 50-100x the injection's time). The first\n"
        "voltage and clock are the reference of 'saved'. Writes <out>/explore/<network>_<grid>.{csv,md,png}.";
    c.add_options = [](po::options_description& d) {
        d.add_options()("network", po::value<std::string>()->default_value("lenet5-mnist")->value_name("NAME"),
                        "lenet5-mnist, lenet5-cifar10 or resnet20-cifar10")
            ("voltages", po::value<std::string>()->default_value("1.10")->value_name("V,V,..."),
             "supply voltages (0.95 .. 1.25 V, the corners' range; the corner's own voltage is the corner as timed)")
            ("clock-scales", po::value<std::string>()->default_value("0.85")->value_name("S,S,..."),
             "clocks as fractions of OpenSTA's min period at the corner's nominal voltage")
            ("frequencies-mhz", po::value<std::string>()->value_name("F,F,..."), "clocks in MHz (instead of --clock-scales)")
            ("time-step", bounded<double>("time-step", Range::closed(1, 100))->default_value(10.0)->value_name("PS"), "time step of the tables' models")
            ("semantics", po::value<std::string>()->default_value(kDefaultSemantics)->value_name("sdf-sim|transport|delay-line"), "timing semantics of the tables")
            ("dies", bounded<int>("dies", Range::closed(0, 1000))->default_value(0)->value_name("N"), "unregulated rows over N sampled dies (0: none)")
            ("sigma", bounded<double>("sigma", Range::closed(0, 0.5))->default_value(0.05, "0.05")->value_name("F"), "per-instance delay sigma of the dies")
            ("first-die", po::value<uint64_t>()->default_value(1)->value_name("N"), "die seed of the first die")
            ("regulation", po::value<std::string>()->default_value("1.5sigma,2sigma")->value_name("R,R,..."),
             "regulated rows on the nominal die: 1.5sigma, 2sigma or probabilities (empty: none)")
            ("seeds", bounded<int>("seeds", Range::closed(1, 1000))->default_value(1)->value_name("N"), "runs per variant (and die)")
            ("seed", po::value<uint64_t>()->default_value(1)->value_name("S"), "first seed")
            ("weight-port", po::value<std::string>()->default_value("a")->value_name("a|b"), "multiplier port the weight feeds")
            ("error-model", po::value<std::string>()->default_value("paper")->value_name("paper|sequence"), "how products fail")
            ("wd-fraction", bounded<double>("wd-fraction", Range::closed(0, 1))->default_value(0.01)->value_name("F"), "weights given WD")
            ("images", bounded<int>("images", Range::closed(0, 100000000))->default_value(0)->value_name("N"), "first N test images (0: all)")
            ("threads", bounded<int>("threads", Range::closed(0, kMaxThreads))->default_value(0)->value_name("N"), "worker threads (0: all cores)")
            ("array", po::value<std::string>()->default_value("16x16")->value_name("RxC"), "the array the energy is measured on")
            ("dataflow", po::value<std::string>()->default_value("ws")->value_name("ws|os"), "its dataflow")
            ("array-accuracy", po::bool_switch(), "TError, EAQ and WD+EAQ also on the cycle-accurate array (slow)")
            ("no-plot", "CSV and Markdown only")
            ("out", po::value<std::string>()->default_value("tesa-out")->value_name("DIR"), "root directory of results");
        add_array_energy_options(d);
        add_data_dir_option(d);
        add_liberty_options(d);
    };
    c.run = run_explore_command;
    return c;
}

}  // namespace tesa::cli
