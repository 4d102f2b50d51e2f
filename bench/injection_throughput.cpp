// injection_throughput -- cost of timing-error injection against exact INT8 inference of the same
// images, measured in one run (issue target: ResNet-20 paper-model injection <= 5x exact).
//   injection_throughput [TABLES.h5] [IMAGES] [all]   (default: the clock-scale 0.9 tables of
//   `tesa characterize`, all 10,000 test images, ResNet-20 with the paper model and the weight on
//   port a; `all`: both networks, both error models, both ports)
#include "bench_models.h"
#include "bench_tables.h"
#include "compiler/injection.h"
#include "compiler/mitigation.h"

#include <cstdio>
#include <cstdlib>

using namespace tesa;

int main(int argc, char** argv) {
    const size_t images = argc > 2 ? static_cast<size_t>(std::atol(argv[2])) : 10000;
    const bool all = argc > 3 && std::string(argv[3]) == "all";
    try {
        const std::string file = bench::required_tables(argc, argv);
        const ErrorTables tables = ErrorTables::read(file);
        std::printf("tables %s: clock scale %.2f, error rate %.4f%%\n", file.c_str(), tables.clock_scale, 100 * tables.error_rate());
        std::printf("%-34s %6s %-9s %-6s %10s %10s %8s %14s\n", "network", "images", "model", "reg", "exact s", "injected s",
                    "ratio", "wrong/image");
        for (const char* name : {"lenet5-mnist", "resnet20-cifar10"}) {
            if (!all && std::string(name) != "resnet20-cifar10") continue;
            const Model m = bench::load_or_random(name);
            const ImageSet test = load_dataset(m.dataset, "test", default_data_dir()).head(images);
            const QuantizedModel q = QuantizedModel::quantize(m, load_dataset(m.dataset, "train", default_data_dir()).head(100), {});
            for (WeightPort port : {WeightPort::A, WeightPort::B}) {
                if (!all && port != WeightPort::A) continue;
                const ProductErrors e = ProductErrors::from_tables(tables, port, all);
                for (ErrorModel model : {ErrorModel::Paper, ErrorModel::Sequence})
                    for (const char* reg : {"1.5sigma", "2sigma"}) {
                        if (!all && model != ErrorModel::Paper) continue;
                        const EvalResult exact = evaluate_int8(q, test, 2);
                        const InjectionPlan plan(q, e, model, parse_regulation(reg));
                        const InjectedEval inj = evaluate_injected(plan, test, 2, 1);
                        char label[64];
                        std::snprintf(label, sizeof label, "%s/port %s", error_model_name(model), weight_port_name(port));
                        std::printf("%-34s %6zu %-9s %-6s %10.2f %10.2f %8.2f %14.0f\n", m.network.c_str(), test.count(), label, reg,
                                    exact.seconds, inj.result.seconds, inj.result.seconds / exact.seconds,
                                    static_cast<double>(inj.stats.errors) / static_cast<double>(test.count()));
                    }
            }
        }
    } catch (const std::exception& ex) {
        std::fprintf(stderr, "injection_throughput: %s\n", ex.what());
        return 1;
    }
    return 0;
}
