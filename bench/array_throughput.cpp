// array_throughput -- simulated PE-cycles per second of the SystemC systolic array (one clocked
// process over the whole array), fast back-end (transition table) and co-simulation back-end
// (Verilated 64-lane timed multiplier), measured in one run (issue targets: fast >= 100 M,
// co-simulation >= 1 M PE-cycles/s on this machine).
//   array_throughput [TABLES.h5]   (default: the clock-scale 0.9 tables of `tesa characterize`)
#include "common/rng.h"
#include "sc_models/systolic_array.h"
#include "timing/error_tables.h"
#include "bench_tables.h"

#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>

using namespace tesa;

namespace {

struct Operands {
    GemmShape shape;
    std::vector<int8_t> a, b;
    std::vector<int32_t> c;
    Operands(GemmShape s, uint64_t seed) : shape(s), a(static_cast<size_t>(s.m) * s.k), b(static_cast<size_t>(s.k) * s.n), c(static_cast<size_t>(s.m) * s.n) {
        Rng rng(seed);
        for (auto& x : a) x = static_cast<int8_t>(rng.below(128));  // post-ReLU activations
        for (auto& x : b) x = static_cast<int8_t>(static_cast<int>(rng.below(256)) - 128);
    }
    GemmJob job(Dataflow d, double regulation) {
        GemmJob j;
        j.shape = shape;
        j.a = a.data();
        j.b = b.data();
        j.c = c.data();
        j.dataflow = d;
        j.regulation = regulation;
        return j;
    }
};

double run(SystolicArray& array, Operands& ops, Dataflow d, double regulation, const char* label) {
    const auto t0 = std::chrono::steady_clock::now();
    const GemmStats st = array.run_gemm(ops.job(d, regulation));
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double rate = static_cast<double>(st.pe_cycles) / s;
    std::printf("%-8s %-3s %-10.4f %5dx%-5d %6d %5d %5d %12llu %9.3f %10.2f %8.2f%%\n", label, dataflow_name(d), regulation,
                array.core().rows(), array.core().cols(), ops.shape.m, ops.shape.n, ops.shape.k,
                static_cast<unsigned long long>(st.pe_cycles), s, rate / 1e6, 100 * st.utilisation());
    return rate;
}

}  // namespace

int sc_main(int argc, char** argv) {
    try {
        const std::string file = bench::required_tables(argc, argv);
        auto table = std::make_shared<TransitionTable>(read_transition_table(file));
        std::printf("tables %s: clock scale %.2f, %llu wrong transitions\n", file.c_str(), table->clock_scale,
                    static_cast<unsigned long long>(table->wrong_transitions()));
        sc_core::sc_clock clk("clk", sc_core::sc_time(table->clock_ps, sc_core::SC_PS));
        SystolicArray fast("fast", 16, 16, MultiplierBackend::fast(table));
        SystolicArray cosim("cosim", 16, 16, MultiplierBackend::cosim(table->clock_scale));
        fast.clk(clk);
        cosim.clk(clk);
        Operands big({1024, 256, 256}, 1), small({256, 64, 64}, 2);
        std::printf("%-8s %-3s %-10s %11s %6s %5s %5s %12s %9s %10s %9s\n", "backend", "df", "regulation", "array", "M", "N", "K",
                    "PE-cycles", "seconds", "M PE-c/s", "util");
        double fast_sum = 0, cosim_sum = 0;
        for (Dataflow d : {Dataflow::WeightStationary, Dataflow::OutputStationary}) {
            fast_sum += run(fast, big, d, 0.0668, "fast");
            run(fast, big, d, 1.0, "fast");
            cosim_sum += run(cosim, small, d, 0.0668, "cosim");
        }
        std::printf("fast / co-simulation (1.5 sigma, mean of WS and OS): %.1fx\n", fast_sum / cosim_sum);
        std::printf("targets: fast >= 100 M PE-cycles/s (%s), co-simulation >= 1 M (%s)\n", fast_sum / 2 >= 100e6 ? "met" : "not met",
                    cosim_sum / 2 >= 1e6 ? "met" : "not met");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "array_throughput: %s\n", e.what());
        return 1;
    }
    return 0;
}

int main(int argc, char** argv) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "DISABLE", 0);
    return sc_core::sc_elab_and_sim(argc, argv);
}
