// run_command.cpp -- `tesa run`: the options of experiments/network_runs.h (networks end to end on
// the simulated SoC); --jobs N forks N worker processes, --budget-images stops early and the same
// command continues from the journal.
#include "apps/tesa/accelerator_commands.h"

#include "common/error.h"
#include "compiler/injection.h"
#include "experiments/network_runs.h"

#include <algorithm>

namespace tesa::cli {

namespace {

int run_run(const po::variables_map& vm, Context& ctx) {
    NetworkRunSpec s;
    s.network = vm["network"].as<std::string>();
    const Model m = load_network(s.network, vm.count("model") ? vm["model"].as<std::string>() : "");
    const std::filesystem::path data = vm["data-dir"].as<std::string>();
    s.variants = split_list(vm["variant"].as<std::string>());
    s.dataflows.clear();
    for (const auto& d : split_list(vm["dataflow"].as<std::string>())) s.dataflows.push_back(parse_dataflow(d));
    s.weight_port = parse_weight_port(vm["weight-port"].as<std::string>());
    s.regulation = vm["regulation"].as<std::string>();
    // Tables only where errors are injected or a mitigation reads them.
    check_variants(s.variants);
    const bool need_tables = network_runs_need_tables(s.variants, s.regulation);
    const std::string corner = check_corner(vm["corner"].as<std::string>());
    if (vm.count("tables")) s.tables_file = vm["tables"].as<std::string>();
    else if (need_tables) s.tables_file = find_cached_tables(vm, accelerator_timing_options(vm, corner), operating_point_spec(vm, corner));
    s.seed = vm["seed"].as<uint64_t>();
    s.wd_fraction = vm["wd-fraction"].as<double>();
    s.jobs = vm["jobs"].as<int>();
    s.budget_images = static_cast<size_t>(vm["budget-images"].as<int>());
    s.backend = parse_multiplier_backend(vm["backend"].as<std::string>());
    if (s.backend == MultiplierBackendKind::Cosim && !s.tables_file.empty() && parse_regulation(s.regulation) > 0)
        s.cosim = cosim_models_for(vm, s.tables_file, ctx);
    s.calibration_images = static_cast<size_t>(vm["calibration-images"].as<int>());
    AcceleratorConfig& a = s.system.accelerator;
    parse_array(vm["array"].as<std::string>(), a.rows, a.cols);
    auto kib = [&](const char* key) { return static_cast<uint64_t>(vm[key].as<int>()) << 10; };  // bounded() checked the range
    a.weight_bytes = kib("weight-kib");
    a.activation_bytes = kib("activation-kib");
    a.output_bytes = kib("output-kib");
    a.parameter_bytes = kib("parameter-kib");
    s.system.clock_ns = vm["clock-ns"].as<double>();
    s.system.dram_latency_ns = vm["dram-latency-ns"].as<double>();
    s.system.dram_bytes_per_ns = vm["dram-gbps"].as<double>();
    if (!(s.system.clock_ns > 0) || !(s.system.dram_bytes_per_ns > 0) || s.system.dram_latency_ns < 0)
        fail("run: --clock-ns and --dram-gbps must be positive, --dram-latency-ns non-negative");
    if (vm.count("dump-firmware")) s.dump_firmware = vm["dump-firmware"].as<std::string>();
    s.memory = memory_energy_options(vm, {a.weight_bytes, a.activation_bytes, a.output_bytes, a.parameter_bytes});
    if (vm.count("energy")) {
        // The array's energy at the operating point of the tables (or of the options, without tables).
        const OperatingPoint op = !s.tables_file.empty() ? resolve_table_point(vm, s.tables_file).point
                                                         : resolve_point(vm, accelerator_timing_options(vm, corner), operating_point_spec(vm, corner)).point;
        s.array_volts = op.volts();
        s.array_clock_ps = op.clock_ps;
        ArrayEnergySpec es;
        es.network = s.network;
        es.rows = a.rows, es.cols = a.cols, es.port = s.weight_port;
        es.sample_pes = vm["sample-pes"].as<int>();
        es.power_seed = vm["power-seed"].as<uint64_t>();
        es.energy_image = vm["energy-image"].as<int>();
        es.glitches = vm["glitches"].as<bool>();
        es.clock_ps = op.clock_ps;
        es.volts = op.volts();
        s.measure_array = [es, &vm, &ctx](const QuantizedModel& base, Dataflow d) {
            ArrayEnergySpec e = es;
            e.dataflow = d;
            return measure_array_energy(vm, e, base, ctx);
        };
    }
    const ImageSet test = load_dataset(m.dataset, "test", data).head(static_cast<size_t>(vm["images"].as<int>()));
    run_and_write_network_runs(s, m, test, data, results_dir(vm, "run"), ctx);
    return 0;
}

}  // namespace

Command make_run_command() {
    Command c;
    c.name = "run";
    c.summary = "a network end to end on the simulated SoC (host, DRAM, DMA, cycle-accurate array) with timing errors";
    c.description =
        "Compiles the INT8 network (baseline, or EAQ / WD+EAQ with the error tables' per-weight\n"
        "probabilities) for the accelerator -- conv and fc as GEMM tiles with im2col by DMA, pooling,\n"
        "shortcuts and residual adds on the post-processing unit -- and runs every test image through the\n"
        "TLM system: the host writes the input, starts the firmware through the registers and reads the\n"
        "logits after the interrupt. Reports accuracy (95% confidence interval), MACs, cycles, utilisation\n"
        "and timing errors, per run and per layer; writes <out>/run/<network>_<RxC>_s<S>_<regulation>.{md,csv}\n"
        "and _layers.csv (--results DIR: there instead). Any option can come from an INI file (--config configs/resnet20_ws_16x16.cfg).";
    c.add_options = [](po::options_description& d) {
        d.add_options()("network", po::value<std::string>()->default_value("lenet5-mnist")->value_name("NAME"),
                        "lenet5-mnist, lenet5-cifar10 or resnet20-cifar10")
            ("model", po::value<std::string>()->value_name("FILE"), "model file (default networks/models/NAME.h5)")
            ("variant", po::value<std::string>()->default_value("baseline")->value_name("V,V,.."), "baseline, eaq, wd+eaq (a list runs each)")
            ("array", po::value<std::string>()->default_value("16x16")->value_name("RxC"), "PE rows x columns")
            ("dataflow", po::value<std::string>()->default_value("ws")->value_name("ws|os"), "dataflow (a list runs each)")
            ("weight-port", po::value<std::string>()->default_value("a")->value_name("a|b"), "multiplier port the weights feed")
            ("tables", po::value<std::string>()->value_name("FILE"), "error tables (default: the cached ones of the operating point under --out)")
            ("regulation", po::value<std::string>()->default_value("1.5sigma")->value_name("R"),
             "slow-cycle probability: 1.5sigma (0.0668), 2sigma (0.0227), a number, 0 for no errors")
            ("images", bounded<int>("images", Range::closed(0, 100000000))->default_value(0)->value_name("K"), "first K test images (0: all)")
            ("seed", po::value<uint64_t>()->default_value(1)->value_name("X"), "error-model seed")
            ("wd-fraction", bounded<double>("wd-fraction", Range::closed(0, 1))->default_value(0.01)->value_name("F"), "WD+EAQ: most sensitive fraction of weights")
            ("backend", po::value<std::string>()->default_value("fast")->value_name("fast|cosim"), "multiplier back-end")
            ("jobs", bounded<int>("jobs", Range::closed(1, kMaxThreads))->default_value(1)->value_name("N"), "worker processes (images split between them)")
            ("budget-images", bounded<int>("budget-images", Range::closed(0, 100000000))->default_value(0)->value_name("N"),
             "simulate at most N images now, keep the rest for the next identical command (0: all)")
            ("weight-kib", bounded<int>("weight-kib", Range::closed(1, kMaxScratchpadKib))->default_value(256)->value_name("N"), "weight scratchpad (KiB)")
            ("activation-kib", bounded<int>("activation-kib", Range::closed(1, kMaxScratchpadKib))->default_value(256)->value_name("N"), "activation scratchpad (KiB)")
            ("output-kib", bounded<int>("output-kib", Range::closed(1, kMaxScratchpadKib))->default_value(512)->value_name("N"), "output scratchpad (KiB)")
            ("parameter-kib", bounded<int>("parameter-kib", Range::closed(1, kMaxScratchpadKib))->default_value(16)->value_name("N"), "parameter scratchpad (KiB)")
            ("clock-ns", bounded<double>("clock-ns", Range::closed(0.01, 1e4))->default_value(1.0)->value_name("T"), "accelerator clock period (ns)")
            ("dram-latency-ns", bounded<double>("dram-latency-ns", Range::closed(0, 1e6))->default_value(50.0)->value_name("T"), "DRAM latency per transaction (ns)")
            ("dram-gbps", bounded<double>("dram-gbps", Range::closed(1e-3, 1e4))->default_value(12.8)->value_name("B"), "DRAM bandwidth (bytes per ns)")
            ("calibration-images", bounded<int>("calibration-images", Range::closed(1, 1000000))->default_value(1000)->value_name("N"), "training images for activation scales")
            ("dump-firmware", po::value<std::string>()->value_name("PREFIX"), "also write each compiled stream to PREFIX.<variant>.<dataflow>.fw and its DRAM image to .dram")
            ("energy", "also the array's energy per inference: the PE netlist through OpenSTA at the operating point (a minute or more per dataflow)")
            ("results", po::value<std::string>()->value_name("DIR"), "directory of the result files (default <out>/run)")
            ("out", po::value<std::string>()->default_value("tesa-out")->value_name("DIR"), "root directory of results");
        add_memory_energy_options(d);
        add_array_energy_options(d);
        add_data_dir_option(d);
        add_liberty_options(d);
        add_operating_point_options(d, 0.9);
    };
    c.run = run_run;
    return c;
}

}  // namespace tesa::cli
