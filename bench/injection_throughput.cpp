// injection_throughput -- cost of timing-error injection against exact INT8 inference of the same
// images, measured in one run (issue target: ResNet-20 paper-model injection <= 5x exact).
//   injection_throughput [TABLES.h5] [IMAGES]   (default: the clock-scale 0.8 tables of
//   `tesa characterize`, all 10,000 test images)
#include "bench_models.h"
#include "compiler/injection.h"
#include "compiler/mitigation.h"

#include <cstdio>
#include <cstdlib>

using namespace tesa;

int main(int argc, char** argv) {
    const std::string file = argc > 1 ? argv[1] : "tesa-out/tables/booth_mul_w8_typ_s0.80_step10.00.h5";
    const size_t images = argc > 2 ? static_cast<size_t>(std::atol(argv[2])) : 10000;
    try {
        const ErrorTables tables = ErrorTables::read(file);
        std::printf("tables %s: clock scale %.2f, error rate %.4f%%\n", file.c_str(), tables.clock_scale, 100 * tables.error_rate());
        std::printf("%-34s %6s %-9s %-6s %10s %10s %8s %14s\n", "network", "images", "model", "reg", "exact s", "injected s",
                    "ratio", "wrong/image");
        for (const char* name : {"lenet5-mnist", "resnet20-cifar10"}) {
            const Model m = bench::load_or_random(name);
            const ImageSet test = load_dataset(m.dataset, "test", default_data_dir()).head(images);
            const QuantizedModel q = QuantizedModel::quantize(m, load_dataset(m.dataset, "train", default_data_dir()).head(100), {});
            for (WeightPort port : {WeightPort::A, WeightPort::B}) {
                const ProductErrors e = ProductErrors::from_tables(tables, port, true);
                for (ErrorModel model : {ErrorModel::Paper, ErrorModel::Sequence})
                    for (const char* reg : {"1.5sigma", "2sigma"}) {
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
