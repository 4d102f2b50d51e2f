// gemm.h -- one INT8 GEMM for the systolic array: C[M][N] (int32) = A[M][K] x B[K][N], A the
// activations (row-major, one row per output pixel), B the weights (row-major, one column per
// output channel); the dataflow; the error regime; and the statistics a run reports.
//
// Closed-form cycle counts (the array's own counts must equal them; tests check):
//   WS  folds over (N in steps of C) x (K in steps of R), each R cycles of weight load, then
//       M + R + Nu - 2 cycles of streaming (skewed activations enter row r at cycle m + r; the
//       output of row m, column c leaves the bottom row at cycle m + R - 1 + c).
//   OS  folds over (M in steps of R) x (N in steps of C), each K + Mu + Nu - 2 cycles of compute
//       (A[m][k] meets B[k][n] in PE(r, c) at cycle k + r + c) plus R cycles of drain.
// Mu, Nu: the used rows / columns of a fold (the last fold of a dimension may be partial).
//
// Closed-form operand traffic at the array's edges (elements; A and B INT8, C int32), with
// Fk = ceil(K / R), Fn = ceil(N / C), Fm = ceil(M / R):
//   WS  A reads M K Fn (every N fold streams A again), B reads K N (each weight loaded once),
//       C writes M N Fk, C reads M N (Fk - 1) (folds over K after the first accumulate in C).
//   OS  A reads M K Fn, B reads K N Fm, C writes M N, no C reads.
#pragma once

#include "compiler/product_errors.h"

#include <cstdint>
#include <string>

namespace tesa {

enum class Dataflow { WeightStationary, OutputStationary };
Dataflow parse_dataflow(const std::string& name);  // "ws" | "os"
const char* dataflow_name(Dataflow d);

struct GemmShape {
    int m = 0, n = 0, k = 0;
};

struct GemmJob {
    GemmShape shape;
    const int8_t* a = nullptr;  // M x K
    const int8_t* b = nullptr;  // K x N
    int32_t* c = nullptr;       // M x N, written
    Dataflow dataflow = Dataflow::WeightStationary;
    WeightPort weight_port = WeightPort::A;
    double regulation = 0;      // probability that a busy cycle is slow (captured product used)
    uint64_t seed = 1;
};

struct GemmStats {
    uint64_t folds = 0;
    uint64_t cycles = 0;
    uint64_t pe_cycles = 0;       // rows x cols x cycles
    uint64_t busy_pe_cycles = 0;  // = MACs
    uint64_t slow_cycles = 0;     // busy PE-cycles drawn slow
    uint64_t wrong_products = 0;  // slow PE-cycles whose captured product is wrong
    uint64_t wrong_outputs = 0;   // outputs that differ from the exact GEMM
    // Elements crossing the array's edges, counted where the array reads or writes the job's
    // buffers: A and B operands fetched, C partial sums read back and written.
    uint64_t a_reads = 0, b_reads = 0, c_reads = 0, c_writes = 0;
    double utilisation() const { return pe_cycles ? static_cast<double>(busy_pe_cycles) / static_cast<double>(pe_cycles) : 0; }
    GemmStats& operator+=(const GemmStats& o) {
        folds += o.folds;
        cycles += o.cycles;
        pe_cycles += o.pe_cycles;
        busy_pe_cycles += o.busy_pe_cycles;
        slow_cycles += o.slow_cycles;
        wrong_products += o.wrong_products;
        wrong_outputs += o.wrong_outputs;
        a_reads += o.a_reads;
        b_reads += o.b_reads;
        c_reads += o.c_reads;
        c_writes += o.c_writes;
        return *this;
    }
};

// Cycles the array needs for `shape` (the closed forms above).
uint64_t expected_cycles(Dataflow d, int rows, int cols, GemmShape shape);
uint64_t expected_folds(Dataflow d, int rows, int cols, GemmShape shape);
// GemmStats with only the four traffic counts set (the closed forms above).
GemmStats expected_traffic(Dataflow d, int rows, int cols, GemmShape shape);

}  // namespace tesa
