// inference_throughput -- images/s of the functional FP32 and INT8 engines for the paper's three
// networks, 1 and 2 threads, measured in one run (networks: bench_models.h).
#include "bench_models.h"
#include "networks/engine.h"

#include <cstdio>

using namespace tesa;
using tesa::bench::load_or_random;

int main(int argc, char** argv) {
    const size_t images = argc > 1 ? static_cast<size_t>(std::atol(argv[1])) : 2000;
    std::printf("%-34s %10s %8s %12s %12s %8s\n", "network", "MACs", "threads", "FP32 img/s", "INT8 img/s", "INT8/FP32");
    for (const char* name : {"lenet5-mnist", "lenet5-cifar10", "resnet20-cifar10"}) {
        const Model m = load_or_random(name);
        const ImageSet test = load_dataset(m.dataset, "test", default_data_dir()).head(images);
        const ImageSet calib = load_dataset(m.dataset, "train", default_data_dir()).head(100);
        const QuantizedModel q = QuantizedModel::quantize(m, calib, {});
        for (int threads : {1, 2}) {
            const EvalResult f = evaluate_fp32(m, test, threads);
            const EvalResult i = evaluate_int8(q, test, threads);
            const double fr = static_cast<double>(f.images) / f.seconds, ir = static_cast<double>(i.images) / i.seconds;
            std::printf("%-34s %10zu %8d %12.0f %12.0f %8.2f\n", m.network.c_str(), m.macs(), threads, fr, ir, ir / fr);
        }
        if (std::string(name) == "resnet20-cifar10") {
            const EvalResult i = evaluate_int8(q, load_dataset(m.dataset, "test", default_data_dir()), 2);
            std::printf("ResNet-20 INT8 over all %zu CIFAR-10 test images, 2 threads: %.1f s\n", i.images, i.seconds);
        }
    }
    return 0;
}
