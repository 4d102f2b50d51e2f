// study_command.cpp -- `tesa study`: the paper's Tables IV-VI for one network (accuracy without
// errors, with timing errors, with WD+EAQ and with EAQ; MAC counts), CSV and Markdown, with the
// memories' energy per inference estimated from the compiler's mapping.
#include "apps/tesa/commands.h"

#include "common/error.h"
#include "common/file_util.h"
#include "common/process.h"
#include "compiler/mitigation.h"
#include "compiler/study.h"

#include <cstdio>
#include <ostream>

namespace tesa::cli {

std::filesystem::path run_and_write_study(const std::string& network, const Model& m, const std::vector<std::filesystem::path>& files,
                                          const StudyOptions& so, const QuantOptions& qo, const ImageSet& test,
                                          const std::filesystem::path& data, const std::filesystem::path& dir, Context& ctx,
                                          const StudySystem& system) {
    std::vector<ErrorTables> tables;
    for (const auto& f : files) tables.push_back(ErrorTables::read(f));
    std::vector<const ErrorTables*> ptrs;
    for (const auto& t : tables) ptrs.push_back(&t);
    std::vector<std::string> names;
    for (const auto& f : files) names.push_back(f.string());
    require_same_semantics(names, ptrs);
    const ImageSet calib = load_dataset(m.dataset, "train", data).head(qo.calibration_images);
    const QuantizedModel base = QuantizedModel::quantize(m, calib, qo);

    char buf[400];
    std::snprintf(buf, sizeof buf, "study       %s, %zu test images, %s model, weight on port %s, WD top %.2f%%, %d seed(s) from %llu, %s\n",
                  network.c_str(), test.count(), error_model_name(so.model), weight_port_name(so.port), 100 * so.wd_fraction, so.seeds,
                  static_cast<unsigned long long>(so.first_seed),
                  so.activation_aware ? "EAQ/WD from activation-aware probabilities" : "EAQ/WD from Table III");
    ctx.out << buf;
    for (size_t i = 0; i < tables.size(); ++i) {
        std::snprintf(buf, sizeof buf, "tables      %s: clock scale %.2f (%.1f ps), %s corner, %s semantics, error rate %.4f%%\n",
                      files[i].string().c_str(), tables[i].clock_scale, tables[i].clock_ps, tables[i].corner.c_str(),
                      tables[i].semantics.c_str(), 100 * tables[i].error_rate());
        ctx.out << buf;
    }
    const std::vector<StudyRow> rows = run_study(base, ptrs, test, so, &calib);  // profile: calibration images, never test ones

    const std::string variant = std::string(error_model_name(so.model)) + "_port" + weight_port_name(so.port) + (so.activation_aware ? "_aware" : "");
    const std::string title = network + ", " + error_model_name(so.model) + " model, weight on port " + weight_port_name(so.port) +
                              (so.activation_aware ? ", activation-aware EAQ/WD" : "");
    QuantizedModel wd = base;
    MitigationOptions mo;
    mo.eaq = true;
    mo.wd_fraction = so.wd_fraction;
    mitigate(wd, so.port == WeightPort::A ? tables[0].p_weight_a : tables[0].p_weight_b, mo);
    const std::string md = study_markdown(rows, title) + "\n" + memory_energy_estimate({{"baseline, EAQ", &base}, {"WD+EAQ", &wd}}, system.mapping, system.prices);
    const std::string stem = network + "_" + variant;
    const std::filesystem::path csv = dir / (stem + ".csv");
    OutputSet results;  // CSV, Markdown and the plots: all of them or none
    const std::filesystem::path staged_csv = results.stage(csv);
    write_file_atomic(staged_csv, study_csv(rows));
    results.write(dir / (stem + ".md"), md);
    for (const auto& reg : so.regulations) {
        const std::filesystem::path png = results.stage(dir / (stem + "_" + reg + ".png"));
        const ProcessResult pr = run_process({plot_python(), source_dir() + "/scripts/plot_study.py", staged_csv.string(), reg, png.string(),
                                              network + " " + reg + " port " + weight_port_name(so.port)});
        if (pr.exit_code != 0) fail("study: the plot failed (scripts/plot_study.py, exit " + std::to_string(pr.exit_code) + "): " + pr.output);
    }
    results.commit();
    ctx.out << "\n" << md << "\nresults: " << std::filesystem::absolute(csv).lexically_normal().string()
            << " (and .md, and a PNG plot per regulation)\n";
    return csv;
}

namespace {

int run_study_command(const po::variables_map& vm, Context& ctx) {
    const std::string network = vm["network"].as<std::string>();
    const Model m = load_network(network, vm.count("model") ? vm["model"].as<std::string>() : "");
    const std::filesystem::path data = vm["data-dir"].as<std::string>();
    StudyOptions so;
    so.regulations = split_list(vm["regulation"].as<std::string>());
    if (so.regulations.empty()) fail("--regulation needs at least one value");
    for (const auto& r : so.regulations) parse_regulation(r);  // bad names fail before any work
    so.seeds = vm["seeds"].as<int>();
    so.first_seed = vm["seed"].as<uint64_t>();
    so.wd_fraction = vm["wd-fraction"].as<double>();
    so.port = parse_weight_port(vm["weight-port"].as<std::string>());
    so.model = parse_error_model(vm["error-model"].as<std::string>());
    so.threads = vm["threads"].as<int>();
    const std::string wp = vm["weight-probability"].as<std::string>();
    if (wp != "table" && wp != "activations") fail("--weight-probability must be table or activations, not '" + wp + "'");
    so.activation_aware = wp == "activations";
    so.progress = [&ctx](const std::string& line) { ctx.err << "study: " << line << std::endl; };

    // Error tables: explicit files, or the ones `tesa characterize` wrote for each clock scale.
    std::vector<std::filesystem::path> files;
    if (vm.count("tables")) {
        for (const auto& f : split_list(vm["tables"].as<std::string>())) files.emplace_back(f);
    } else {
        const std::string corner = check_corner(vm["corner"].as<std::string>());
        const TimingSetupOptions setup = accelerator_timing_options(vm, corner);
        const std::vector<std::string> scales = split_list(vm["clock-scale"].as<std::string>());
        std::vector<double> values;  // all checked before any is used
        for (const auto& s : scales) values.push_back(parse_real(s, "--clock-scale", Range::closed(0.1, 4.0)));
        if (values.size() > 1 && (vm.count("clock-ps") || vm.count("frequency-mhz")))
            fail("--clock-scale lists several clocks: give them as scales, not also --clock-ps / --frequency-mhz");
        if (vm.count("clock-ps") || vm.count("frequency-mhz")) values.assign(1, 0.0);
        for (double v : values) files.push_back(find_cached_tables(vm, setup, operating_point_spec(vm, corner, v)));
    }
    if (files.empty()) fail("no error tables given");
    QuantOptions qo;
    qo.per_channel = vm.count("per-channel") > 0;
    qo.calibration_images = static_cast<size_t>(vm["calibration-images"].as<int>());
    const ImageSet test = load_dataset(m.dataset, "test", data).head(static_cast<size_t>(vm["images"].as<int>()));
    StudySystem system;
    parse_array(vm["array"].as<std::string>(), system.mapping.rows, system.mapping.cols);
    system.mapping.dataflow = parse_dataflow(vm["dataflow"].as<std::string>());
    system.mapping.weight_port = so.port;
    const MappingOptions& mp = system.mapping;
    system.prices = memory_energy_options(vm, {mp.weight_bytes, mp.activation_bytes, mp.output_bytes, mp.parameter_bytes});
    run_and_write_study(network, m, files, so, qo, test, data, results_dir(vm, "study"), ctx, system);
    return 0;
}

}  // namespace

Command make_study_command() {
    Command c;
    c.name = "study";
    c.summary = "the paper's study: accuracy with timing errors, EAQ and WD+EAQ, and MAC counts";
    c.description =
        "For each clock scale (error tables from `tesa characterize`) and regulation, runs the INT8 network\n"
        "over the test set: N_baseline (no errors), N_TError (errors, nearest rounding), N_WD+EAQ and N_EAQ\n"
        "(errors, mitigated), with mean and standard deviation over seeds, and the MACs per image.\n"
        "Error models: paper (each product fails with regulation x its Table II probability, previous\n"
        "operands uniform) or sequence (weight-stationary: the real previous activation of each multiplier).\n"
        "Writes <out>/study/<network>_<model>_port<p>[_aware].csv and .md, and a PNG of accuracy versus clock scale\n"
        "per regulation (<stem>_<regulation>.png).";
    c.add_options = [](po::options_description& d) {
        d.add_options()("network", po::value<std::string>()->default_value("lenet5-mnist")->value_name("NAME"),
                        "lenet5-mnist, lenet5-cifar10 or resnet20-cifar10")
            ("model", po::value<std::string>()->value_name("FILE"), "model file (default networks/models/NAME.h5)")
            ("tables", po::value<std::string>()->value_name("FILE,..."), "error tables (HDF5), instead of the operating point");
        add_liberty_options(d);
        add_operating_point_options(d, 0.8, true);
        d.add_options()
            ("regulation", po::value<std::string>()->default_value("1.5sigma,2sigma")->value_name("R,R,..."),
             "1.5sigma (0.0668), 2sigma (0.0227) or probabilities")
            ("seeds", bounded<int>("seeds", Range::closed(1, 1000))->default_value(3)->value_name("N"), "runs per variant (different seeds)")
            ("seed", po::value<uint64_t>()->default_value(1)->value_name("S"), "first seed")
            ("weight-port", po::value<std::string>()->default_value("a")->value_name("a|b"),
             "multiplier port the weight feeds (a: the paper's convention; b: the Booth-encoded operand)")
            ("error-model", po::value<std::string>()->default_value("paper")->value_name("paper|sequence"), "how products fail")
            ("wd-fraction", bounded<double>("wd-fraction", Range::closed(0, 1))->default_value(0.01)->value_name("F"), "most sensitive fraction of weights given WD")
            ("weight-probability", po::value<std::string>()->default_value("table")->value_name("table|activations"),
             "per-weight error probability EAQ and WD minimise: Table III (activations uniform, the paper) or each layer's\n"
             "activation distribution on the calibration images")
            ("per-channel", "INT8 weights with one scale per output channel")
            ("calibration-images", bounded<int>("calibration-images", Range::closed(1, 1000000))->default_value(1000)->value_name("N"), "training images for activation scales")
            ("images", bounded<int>("images", Range::closed(0, 100000000))->default_value(0)->value_name("N"), "first N test images (0: all)")
            ("threads", bounded<int>("threads", Range::closed(0, kMaxThreads))->default_value(0)->value_name("N"), "worker threads (0: all cores)")
            ("array", po::value<std::string>()->default_value("16x16")->value_name("RxC"), "the accelerator of the memory energy estimate")
            ("dataflow", po::value<std::string>()->default_value("ws")->value_name("ws|os"), "its dataflow")
            ("results", po::value<std::string>()->value_name("DIR"), "directory of the result files (default <out>/study)")
            ("out", po::value<std::string>()->default_value("tesa-out")->value_name("DIR"), "root directory of results");
        add_memory_energy_options(d);
        add_data_dir_option(d);
    };
    c.run = run_study_command;
    return c;
}

}  // namespace tesa::cli
