// system_throughput -- images per second of whole networks end to end on the simulated SoC (host,
// bus, DRAM, DMA, 16x16 weight-stationary array, post-processing), one process, next to the
// functional INT8 engine on the same images (one thread), measured in one run. With the clock-scale
// 0.9 tables (full transitions) it runs at 1.5 sigma; without them, error-free.
//   system_throughput [TABLES.h5]   (default: the cached clock-scale 0.9 delay-line tables, bench_tables.h)
#include "bench_models.h"
#include "networks/engine.h"
#include "sc_models/network_runner.h"
#include "timing/error_tables.h"
#include "bench_tables.h"

#include <chrono>
#include <cstdio>
#include <exception>

using namespace tesa;

int sc_main(int argc, char** argv) try {
    const std::string tables = bench::default_tables(argc, argv);
    std::shared_ptr<TransitionTable> tt = std::make_shared<TransitionTable>();
    double regulation = 0.0668;
    if (std::filesystem::exists(tables)) {
        *tt = read_transition_table(tables);
        std::printf("tables %s, regulation %.4f\n", tables.c_str(), regulation);
    } else {
        tt->offsets.assign((1u << 16) + 1, 0);
        regulation = 0;
        std::printf("no tables at %s: error-free runs\n", tables.c_str());
    }
    std::printf("| network | images | compile (ms) | SoC images/s | cycles per image | utilisation | engine images/s (1 thread) | engine / SoC |\n"
                "|---|---|---|---|---|---|---|---|\n");
    for (const char* name : {"lenet5-mnist", "lenet5-cifar10", "resnet20-cifar10"}) {
        const Model m = bench::load_or_random(name);
        const std::string ds = dataset_of(name);
        const ImageSet test = load_dataset(ds, "test", default_data_dir()).head(std::string(name) == "resnet20-cifar10" ? 20 : 300);
        const QuantizedModel q = QuantizedModel::quantize(m, load_dataset(ds, "train", default_data_dir()).head(200), {});
        NetworkRunOptions o;
        o.regulation = regulation;
        using Clock = std::chrono::steady_clock;
        const auto c0 = Clock::now();
        const NetworkProgram p = compile_network(q, mapping_options(o.system.accelerator, Dataflow::WeightStationary, WeightPort::A));
        const double compile_ms = std::chrono::duration<double, std::milli>(Clock::now() - c0).count();
        o.system.dram_bytes = std::max(o.system.dram_bytes, p.dram_bytes);
        const NetworkRun r = run_network(q, p, test, o, MultiplierBackend::fast(tt));
        const EvalResult e = evaluate_int8(q, test, 1);
        const double soc = static_cast<double>(r.images) / r.wall_seconds, eng = static_cast<double>(e.images) / e.seconds;
        std::printf("| %s%s | %zu | %.1f | %.2f | %.0f | %.1f%% | %.1f | %.0fx |\n", name, m.network.find("random") != std::string::npos ? " (random weights)" : "",
                    r.images, compile_ms, soc, static_cast<double>(r.total.cycles) / static_cast<double>(r.images), 100 * r.total.utilisation(), eng,
                    eng / soc);
        std::fflush(stdout);
    }
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "system_throughput: %s\n", e.what());
    return 1;
}
