// gemm.cpp -- dataflow names, statistics arithmetic and the closed-form cycle counts.
#include "sc_models/gemm.h"

#include "common/error.h"

#include <algorithm>

namespace tesa {

Dataflow parse_dataflow(const std::string& name) {
    if (name == "ws") return Dataflow::WeightStationary;
    if (name == "os") return Dataflow::OutputStationary;
    fail("unknown dataflow '" + name + "' (expected ws or os)");
}

const char* dataflow_name(Dataflow d) { return d == Dataflow::WeightStationary ? "ws" : "os"; }

uint64_t expected_folds(Dataflow d, int rows, int cols, GemmShape s) {
    auto tiles = [](int n, int t) { return static_cast<uint64_t>((n + t - 1) / t); };
    return d == Dataflow::WeightStationary ? tiles(s.n, cols) * tiles(s.k, rows) : tiles(s.m, rows) * tiles(s.n, cols);
}

GemmStats expected_traffic(Dataflow d, int rows, int cols, GemmShape s) {
    auto folds = [](int n, int t) { return static_cast<uint64_t>((n + t - 1) / t); };
    const uint64_t m = static_cast<uint64_t>(s.m), n = static_cast<uint64_t>(s.n), k = static_cast<uint64_t>(s.k);
    GemmStats t;
    t.a_reads = m * k * folds(s.n, cols);
    if (d == Dataflow::WeightStationary) {
        const uint64_t fk = folds(s.k, rows);
        t.b_reads = k * n;
        t.c_writes = m * n * fk;
        t.c_reads = fk ? m * n * (fk - 1) : 0;
    } else {
        t.b_reads = k * n * folds(s.m, rows);
        t.c_writes = m * n;
    }
    return t;
}

uint64_t expected_cycles(Dataflow d, int rows, int cols, GemmShape s) {
    uint64_t total = 0;
    if (d == Dataflow::WeightStationary) {
        const uint64_t k_folds = static_cast<uint64_t>((s.k + rows - 1) / rows);
        for (int n0 = 0; n0 < s.n; n0 += cols) {
            const int nu = std::min(cols, s.n - n0);
            total += k_folds * static_cast<uint64_t>(rows + s.m + rows + nu - 2);
        }
        return total;
    }
    for (int m0 = 0; m0 < s.m; m0 += rows)
        for (int n0 = 0; n0 < s.n; n0 += cols) {
            const int mu = std::min(rows, s.m - m0), nu = std::min(cols, s.n - n0);
            total += static_cast<uint64_t>(s.k + mu + nu - 2 + rows);
        }
    return total;
}

}  // namespace tesa
