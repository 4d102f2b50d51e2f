// eval_command.cpp -- `tesa eval`: test accuracy and MAC count of a trained network, FP32 or INT8.
#include "apps/tesa/commands.h"

#include "common/error.h"
#include "networks/engine.h"

#include <cstdio>
#include <ostream>

namespace tesa::cli {

Model load_network(const std::string& network, const std::string& file) {
    const std::string dataset = dataset_of(network);
    const std::filesystem::path path = file.empty() ? model_path(network) : std::filesystem::path(file);
    Model m = Model::read(path);
    if (m.dataset != dataset) fail(path.string() + ": a " + m.dataset + " network, but " + network + " runs on " + dataset);
    return m;
}

EvalResult measure_accuracy(const Model& m, const ImageSet& test, bool int8, const QuantOptions& qo,
                            const std::filesystem::path& data_dir, int threads) {
    if (!int8) return evaluate_fp32(m, test, threads);
    const ImageSet calib = load_dataset(m.dataset, "train", data_dir).head(qo.calibration_images);
    return evaluate_int8(QuantizedModel::quantize(m, calib, qo), test, threads);
}

namespace {

int run_eval(const po::variables_map& vm, Context& ctx) {
    const std::string network = vm["network"].as<std::string>();
    const Model m = load_network(network, vm.count("model") ? vm["model"].as<std::string>() : "");
    const std::string dataset = m.dataset;
    const std::filesystem::path data = vm["data-dir"].as<std::string>();
    const ImageSet test = load_dataset(dataset, "test", data).head(static_cast<size_t>(vm["images"].as<int>()));
    const int threads = vm["threads"].as<int>();
    char buf[300];
    std::snprintf(buf, sizeof buf, "network     %s (%s), %zu layers, %zu weights, %zu MACs per image\n", network.c_str(),
                  m.file.c_str(), m.layers.size(), m.weight_count(), m.macs());
    ctx.out << buf;
    for (size_t i = 0; i < m.layers.size(); ++i) {
        const Layer& l = m.layers[i];
        if (!l.has_weights()) continue;
        std::snprintf(buf, sizeof buf, "  layer %2zu %-4s %3dx%2dx%2d -> %3dx%2dx%2d  %8zu weights  %10zu MACs\n", i,
                      layer_type_name(l.type), l.in.c, l.in.h, l.in.w, l.out.c, l.out.h, l.out.w, l.weight.size(), l.macs());
        ctx.out << buf;
    }
    QuantOptions qo;
    qo.per_channel = vm.count("per-channel") > 0;
    qo.calibration_images = static_cast<size_t>(vm["calibration-images"].as<int>());
    const bool int8 = vm.count("int8") > 0;
    const EvalResult r = measure_accuracy(m, test, int8, qo, data, threads);
    if (int8)
        std::snprintf(buf, sizeof buf, "INT8        %s weights, activations calibrated on the first %zu training images\n",
                      qo.per_channel ? "per-channel" : "per-layer", qo.calibration_images);
    else
        std::snprintf(buf, sizeof buf, "FP32\n");
    ctx.out << buf;
    std::snprintf(buf, sizeof buf, "accuracy    %.4f (%zu / %zu test images), %.1f images/s\n", r.accuracy(), r.correct, r.images,
                  r.seconds > 0 ? static_cast<double>(r.images) / r.seconds : 0.0);
    ctx.out << buf;
    std::snprintf(buf, sizeof buf, "training    FP32 test accuracy %.4f (PyTorch, deployed network)\n", m.fp32_test_accuracy);
    ctx.out << buf;
    return 0;
}

}  // namespace

Command make_eval_command() {
    Command c;
    c.name = "eval";
    c.summary = "test accuracy and MAC count of a trained network (FP32 or INT8)";
    c.description =
        "Runs the functional inference engine over the test set of the network's data set.\n"
        "Networks: lenet5-mnist, lenet5-cifar10, resnet20-cifar10 (networks/models/NAME.h5).";
    c.add_options = [](po::options_description& d) {
        d.add_options()("network", po::value<std::string>()->default_value("lenet5-mnist")->value_name("NAME"), "which network")
            ("model", po::value<std::string>()->value_name("FILE"), "model file (default networks/models/NAME.h5)")
            ("int8", "INT8 inference (else FP32)")
            ("per-channel", "INT8 weights with one scale per output channel (else per layer)")
            ("calibration-images", bounded<int>("calibration-images", Range::closed(1, 1000000))->default_value(1000)->value_name("N"), "training images for activation scales")
            ("images", bounded<int>("images", Range::closed(0, 100000000))->default_value(0)->value_name("N"), "first N test images (0: all)")
            ("threads", bounded<int>("threads", Range::closed(0, kMaxThreads))->default_value(0)->value_name("N"), "worker threads (0: all cores)");
        add_data_dir_option(d);
    };
    c.run = run_eval;
    return c;
}

}  // namespace tesa::cli
