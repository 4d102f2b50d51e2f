// array_study_command.cpp -- `tesa array-study`: the options of experiments/array_study.h (a
// network's layers on the cycle-accurate array, WS vs OS, port a vs b, next to the paper's model).
#include "apps/tesa/accelerator_commands.h"

#include "experiments/array_study.h"

namespace tesa::cli {

namespace {

int run_array_study(const po::variables_map& vm, Context& ctx) {
    const std::string network = vm["network"].as<std::string>();
    const Model m = load_network(network, vm.count("model") ? vm["model"].as<std::string>() : "");
    const std::filesystem::path data = vm["data-dir"].as<std::string>();
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
    run_and_write_array_study(network, m, test, so, tables_file, data, results_dir(vm, "array"), ctx);
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
            ("results", po::value<std::string>()->value_name("DIR"), "directory of the result files (default <out>/array)")
            ("out", po::value<std::string>()->default_value("tesa-out")->value_name("DIR"), "root directory of results");
        add_data_dir_option(d);
        add_liberty_options(d);
        add_operating_point_options(d, 0.9);
    };
    c.run = run_array_study;
    return c;
}

}  // namespace tesa::cli
