// array_inference.h -- INT8 inference whose conv and fc layers run as GEMMs on the cycle-accurate
// systolic array: the engine's layer lowering (im2col) gives each layer as C[M][N] = A[M][K] x
// B[K][N] with M the output positions, K the fan-in and N the output channels; the array computes
// it cycle by cycle with timing errors, and the difference from the exact GEMM (the slow cycles'
// wrong captures, as they reached the outputs) is added to the engine's accumulators. A
// weight-distributed layer runs in the compiler's layout (array_operands): its extra rows' products
// are in the engine's exact accumulation, their errors come from the array like the others'.
//
// One ArrayCore per thread (the plain core: SystemC's kernel is single-threaded; the module is
// tested to give the same bits). Each (image, layer) GEMM draws its slow cycles from its own seed,
// so results do not depend on the thread count.
#pragma once

#include "networks/engine.h"
#include "sc_models/array_core.h"

#include <functional>

namespace tesa {

struct ArrayInferenceOptions {
    int rows = 16, cols = 16;
    Dataflow dataflow = Dataflow::WeightStationary;
    WeightPort weight_port = WeightPort::A;
    double regulation = 0;
    uint64_t seed = 1;
    int threads = 0;  // 0: all cores
};

// A layer's GEMM in the array's operand layout: a = M x K activations (positions x fan-in), b =
// K x N weights (fan-in x output channels); returns the shape. A weight-distributed layer gets
// the compiler's layout (compiler/network_mapping.h): one more row per distinct fan-in row k with
// extra weights, in increasing k, holding a second copy of x[k] in a and the extra weights (zeros
// elsewhere) in b, so K counts those rows.
GemmShape array_operands(const GemmView& v, std::vector<int8_t>& a, std::vector<int8_t>& b);

// The engine policy (MulMode::Corrections). Call start_image before each forward pass.
class ArrayMul {
public:
    static constexpr MulMode kMode = MulMode::Corrections;
    ArrayMul(const ArrayInferenceOptions& o, MultiplierBackend backend);
    void start_image(uint64_t image) { image_ = image; }
    void correct(const GemmView& v);
    GemmStats stats;     // summed over the GEMMs of all images
    uint64_t gemms = 0;

private:
    ArrayInferenceOptions o_;
    ArrayCore core_;
    uint64_t image_ = 0;
    std::vector<int8_t> a_, b_;
    std::vector<int32_t> c_;
};

struct ArrayEval {
    EvalResult result;
    GemmStats stats;
};

// Test accuracy on the array; make_backend gives each thread its own multiplier back-end (a
// co-simulation model holds state, the fast table is shared read-only).
ArrayEval evaluate_on_array(const QuantizedModel& q, const ImageSet& set, const ArrayInferenceOptions& o,
                            const std::function<MultiplierBackend()>& make_backend);

}  // namespace tesa
