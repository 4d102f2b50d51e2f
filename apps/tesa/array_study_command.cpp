// array_study_command.cpp -- `tesa array-study`: a network's conv and fc layers run as GEMMs on the
// cycle-accurate systolic array with timing errors (WS vs OS, weight on port a vs b), next to the
// paper's uniform-previous-input injection at the same clock and regulation: accuracy, wrong
// products per MAC, cycles and utilisation, as Markdown and CSV.
#include "apps/tesa/accelerator_commands.h"

#include "common/error.h"
#include "common/file_util.h"
#include "compiler/injection.h"
#include "sc_models/array_inference.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>

namespace tesa::cli {

namespace {

struct Row {
    std::string method, dataflow, port, regulation;
    std::vector<double> acc;  // per seed
    double wrong_per_mac = 0, expected_per_mac = -1, slow_per_mac = 0;
    double cycles_per_image = 0, utilisation = 0, seconds = 0;
    uint64_t macs_per_image = 0;
};

double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0 : s / static_cast<double>(v.size());
}
double stdev(const std::vector<double>& v) {
    if (v.size() < 2) return 0;
    const double m = mean(v);
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return std::sqrt(s / static_cast<double>(v.size() - 1));
}

}  // namespace

std::filesystem::path run_and_write_array_study(const std::string& network, const Model& m, const ImageSet& test,
                                                const ArrayStudyOptions& so, const std::filesystem::path& tables_file,
                                                const std::filesystem::path& data, const std::filesystem::path& out, Context& ctx) {
    ArrayInferenceOptions base;
    base.rows = so.rows;
    base.cols = so.cols;
    base.threads = so.threads;
    const std::vector<Dataflow>& flows = so.dataflows;
    const std::vector<WeightPort>& ports = so.ports;
    const std::vector<std::string>& regs = so.regulations;
    const int seeds = so.seeds;
    const uint64_t first_seed = so.first_seed;
    if (flows.empty() || ports.empty() || regs.empty() || seeds < 1) fail("array study: dataflows, weight ports, regulations and seeds need values");
    for (const auto& r : regs) parse_regulation(r);
    const ErrorTables tables = ErrorTables::read(tables_file);
    const MultiplierBackendKind kind = so.backend;
    std::shared_ptr<const TransitionTable> tt;
    if (kind == MultiplierBackendKind::Fast) tt = std::make_shared<TransitionTable>(read_transition_table(tables_file));
    else if (!so.cosim) fail("array study: --backend cosim needs the tables' co-simulation models");
    auto make_backend = [&]() { return kind == MultiplierBackendKind::Fast ? MultiplierBackend::fast(tt) : MultiplierBackend::cosim(so.cosim->make()); };

    QuantOptions qo;
    qo.calibration_images = so.calibration_images;
    const ImageSet calib = load_dataset(m.dataset, "train", data).head(qo.calibration_images);
    const QuantizedModel q = QuantizedModel::quantize(m, calib, qo);
    const EvalResult exact = evaluate_int8(q, test, base.threads);

    char buf[400];
    std::snprintf(buf, sizeof buf, "array-study %s, %zu test images, INT8 without errors %.2f%%; tables %s (clock scale %.2f, T_clk %.1f ps)\n",
                  network.c_str(), test.count(), 100 * exact.accuracy(), tables_file.string().c_str(), tables.clock_scale, tables.clock_ps);
    ctx.out << buf;

    std::vector<Row> rows;
    using Clock = std::chrono::steady_clock;
    for (const std::string& reg : regs) {
        const double r = parse_regulation(reg);
        for (WeightPort port : ports) {  // the paper: each product fails with r x P(wrong | pair), previous operands uniform
            const ProductErrors pe = ProductErrors::from_tables(tables, port, false);
            const InjectionPlan plan(q, pe, ErrorModel::Paper, r);
            Row row{"uniform previous (paper)", "-", weight_port_name(port), reg, {}, 0, 0, 0, 0, 0, 0, q.macs()};
            InjectionStats st;
            const auto t0 = Clock::now();
            for (int s = 0; s < seeds; ++s) {
                const InjectedEval e = evaluate_injected(plan, test, base.threads, first_seed + static_cast<uint64_t>(s), true);
                row.acc.push_back(e.result.accuracy());
                st.add(e.stats);
            }
            row.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
            row.wrong_per_mac = static_cast<double>(st.errors) / static_cast<double>(st.candidates);
            row.expected_per_mac = st.expected / static_cast<double>(st.candidates);
            row.slow_per_mac = r;
            rows.push_back(row);
            ctx.err << "array-study: " << reg << " paper port " << weight_port_name(port) << " " << fmt("%.2f%%", 100 * mean(row.acc)) << std::endl;
        }
        for (Dataflow d : flows)
            for (WeightPort port : ports) {
                ArrayInferenceOptions o = base;
                o.dataflow = d;
                o.weight_port = port;
                o.regulation = r;
                Row row{"systolic array", dataflow_name(d), weight_port_name(port), reg, {}, 0, -1, 0, 0, 0, 0, q.macs()};
                GemmStats st;
                const auto t0 = Clock::now();
                for (int s = 0; s < seeds; ++s) {
                    o.seed = first_seed + static_cast<uint64_t>(s);
                    const ArrayEval e = evaluate_on_array(q, test, o, make_backend);
                    row.acc.push_back(e.result.accuracy());
                    st += e.stats;
                }
                row.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
                const double macs = static_cast<double>(st.busy_pe_cycles);
                row.wrong_per_mac = static_cast<double>(st.wrong_products) / macs;
                row.slow_per_mac = static_cast<double>(st.slow_cycles) / macs;
                row.cycles_per_image = static_cast<double>(st.cycles) / static_cast<double>(test.count() * static_cast<size_t>(seeds));
                row.utilisation = st.utilisation();
                rows.push_back(row);
                ctx.err << "array-study: " << reg << " " << dataflow_name(d) << " port " << weight_port_name(port) << " "
                        << fmt("%.2f%%", 100 * mean(row.acc)) << " (" << fmt("%.0f s", row.seconds) << ")" << std::endl;
            }
    }

    std::ostringstream md, csv;
    md << "| regulation | errors from | dataflow | weight port | accuracy % (mean ± sd, " << seeds
       << " seed(s)) | wrong products per MAC | paper model's expectation | cycles per image | utilisation |\n"
       << "|---|---|---|---|---|---|---|---|---|\n";
    csv << "regulation,method,dataflow,weight_port,accuracy_mean,accuracy_sd,seeds,images,wrong_per_mac,expected_per_mac,slow_per_mac,"
           "macs_per_image,cycles_per_image,utilisation,seconds\n";
    for (const Row& r : rows) {
        md << "| " << r.regulation << " | " << r.method << " | " << r.dataflow << " | " << r.port << " | " << fmt("%.2f", 100 * mean(r.acc))
           << " ± " << fmt("%.2f", 100 * stdev(r.acc)) << " | " << fmt("%.4f%%", 100 * r.wrong_per_mac) << " | "
           << (r.expected_per_mac >= 0 ? fmt("%.4f%%", 100 * r.expected_per_mac) : std::string("-")) << " | "
           << (r.cycles_per_image > 0 ? fmt("%.0f", r.cycles_per_image) : std::string("-")) << " | "
           << (r.utilisation > 0 ? fmt("%.1f%%", 100 * r.utilisation) : std::string("-")) << " |\n";
        csv << r.regulation << "," << r.method << "," << r.dataflow << "," << r.port << "," << fmt("%.6f", mean(r.acc)) << ","
            << fmt("%.6f", stdev(r.acc)) << "," << r.acc.size() << "," << test.count() << "," << fmt("%.8f", r.wrong_per_mac) << ","
            << fmt("%.8f", r.expected_per_mac) << "," << fmt("%.6f", r.slow_per_mac) << "," << r.macs_per_image << ","
            << fmt("%.1f", r.cycles_per_image) << "," << fmt("%.6f", r.utilisation) << "," << fmt("%.1f", r.seconds) << "\n";
    }
    const std::string stem = network + "_" + table_tag(tables) + "_" + std::to_string(base.rows) + "x" + std::to_string(base.cols);
    const std::filesystem::path dir = out / "array";
    OutputSet results;
    results.write(dir / (stem + ".md"), md.str());
    results.write(dir / (stem + ".csv"), csv.str());
    results.commit();
    ctx.out << md.str() << "results: " << (dir / (stem + ".csv")).string() << " (and .md)\n";
    return dir / (stem + ".csv");
}

namespace {

int run_array_study(const po::variables_map& vm, Context& ctx) {
    const std::string network = vm["network"].as<std::string>();
    const Model m = load_network(network, vm.count("model") ? vm["model"].as<std::string>() : "");
    const std::filesystem::path data = vm["data-dir"].as<std::string>();
    const std::filesystem::path out = vm["out"].as<std::string>();
    const std::string corner = check_corner(vm["corner"].as<std::string>());
    const std::filesystem::path tables_file =
        vm.count("tables") ? std::filesystem::path(vm["tables"].as<std::string>())
                           : find_cached_tables(vm, accelerator_timing_options(vm, corner), operating_point_spec(vm, corner));
    ArrayStudyOptions so;
    parse_array(vm["array"].as<std::string>(), so.rows, so.cols);
    so.threads = vm["threads"].as<int>();
    so.dataflows.clear();
    for (const auto& d : split_list(vm["dataflow"].as<std::string>())) so.dataflows.push_back(parse_dataflow(d));
    so.ports.clear();
    for (const auto& p : split_list(vm["weight-port"].as<std::string>())) so.ports.push_back(parse_weight_port(p));
    so.regulations = split_list(vm["regulation"].as<std::string>());
    so.seeds = vm["seeds"].as<int>();
    so.first_seed = vm["seed"].as<uint64_t>();
    so.backend = parse_multiplier_backend(vm["backend"].as<std::string>());
    if (so.backend == MultiplierBackendKind::Cosim) so.cosim = cosim_models_for(vm, tables_file, ctx);
    so.calibration_images = static_cast<size_t>(vm["calibration-images"].as<int>());
    const ImageSet test = load_dataset(m.dataset, "test", data).head(static_cast<size_t>(vm["images"].as<int>()));
    run_and_write_array_study(network, m, test, so, tables_file, data, out, ctx);
    return 0;
}

}  // namespace

Command make_array_study_command() {
    Command c;
    c.name = "array-study";
    c.summary = "a network's layers on the systolic array with timing errors: WS vs OS, port a vs b, vs the paper's model";
    c.description =
        "Runs the INT8 network over the test set with every conv and fc layer computed as a GEMM on the\n"
        "cycle-accurate R x C array (output positions x fan-in x output channels), so each multiplier fails\n"
        "after the operands it really saw the cycle before, for each dataflow and weight port; and, at the\n"
        "same clock scale and regulation, the paper's injection (each product fails with regulation x its\n"
        "Table II probability, previous operands uniform). Reports accuracy, wrong products per MAC,\n"
        "cycles per image and utilisation; writes <out>/array/<network>_s<S>_<R>x<C>.{md,csv}.";
    c.add_options = [](po::options_description& d) {
        d.add_options()("network", po::value<std::string>()->default_value("lenet5-mnist")->value_name("NAME"),
                        "lenet5-mnist, lenet5-cifar10 or resnet20-cifar10")
            ("model", po::value<std::string>()->value_name("FILE"), "model file (default networks/models/NAME.h5)")
            ("array", po::value<std::string>()->default_value("16x16")->value_name("RxC"), "PE rows x columns")
            ("dataflow", po::value<std::string>()->default_value("ws,os")->value_name("ws,os"), "dataflows to run")
            ("weight-port", po::value<std::string>()->default_value("a,b")->value_name("a,b"), "weight ports to run")
            ("tables", po::value<std::string>()->value_name("FILE"), "error tables with full transitions (default: the cached ones of the operating point)")
            ("backend", po::value<std::string>()->default_value("fast")->value_name("fast|cosim"), "multiplier back-end")
            ("regulation", po::value<std::string>()->default_value("1.5sigma")->value_name("R,R,..."),
             "1.5sigma (0.0668), 2sigma (0.0227) or probabilities")
            ("seeds", bounded<int>("seeds", Range::closed(1, 1000))->default_value(1)->value_name("N"), "runs per row (different seeds)")
            ("seed", po::value<uint64_t>()->default_value(1)->value_name("S"), "first seed")
            ("calibration-images", bounded<int>("calibration-images", Range::closed(1, 1000000))->default_value(1000)->value_name("N"), "training images for activation scales")
            ("images", bounded<int>("images", Range::closed(0, 100000000))->default_value(0)->value_name("N"), "first N test images (0: all)")
            ("threads", bounded<int>("threads", Range::closed(0, kMaxThreads))->default_value(0)->value_name("N"), "worker threads (0: all cores)")
            ("out", po::value<std::string>()->default_value("tesa-out")->value_name("DIR"), "root directory of results");
        add_data_dir_option(d);
        add_liberty_options(d);
        add_operating_point_options(d, 0.9);
    };
    c.run = run_array_study;
    return c;
}

}  // namespace tesa::cli
