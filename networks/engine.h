// engine.h -- functional FP32 and INT8 inference of a model file's network (no timing).
//
// Convolutions are im2col + GEMM over one image; images run in parallel on threads, each with its
// own preallocated workspace (no allocation per image or per MAC).
//
// The INT8 engine takes a multiplication policy, a template parameter whose `kMode` says how a
// layer's products are formed:
// - MulMode::Exact (ExactMul, the default): the plain vectorised GEMM; the policy is never called.
// - MulMode::PerProduct: every product weight x activation goes through Mul::mul(w, a, site),
//   where `site` says which layer, output channel, output position and fan-in row it belongs to.
//   General and slow: the oracle that faster policies are tested against.
// - MulMode::Corrections: the exact GEMM, then Mul::correct(view) adds the difference of every
//   product it changes to the accumulators. Error models that change few products use this.
// Weight-distributed layers (QuantLayer::extra) add products of their extra weights in every mode.
#pragma once

#include "networks/datasets.h"
#include "networks/gemm_int8.h"
#include "networks/model_file.h"
#include "networks/quantize.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace tesa {

enum class MulMode { Exact, PerProduct, Corrections };

struct MacSite {
    int layer = 0;
    int out_channel = 0;
    int out_pos = 0;   // output pixel (y * W + x); 0 for fc
    int k = 0;         // fan-in row: the activation row x[k] (and weight index within the channel's row)
    int extra = -1;    // >= 0: the product of QuantLayer::extra[extra] (same activation row k)
};

// One conv/fc layer's GEMM as MulMode::Corrections sees it, after the exact accumulation:
// acc[o * positions + p] = bias[o] + sum_k weight[o * fan_in + k] * x[k * positions + p]
//                          + sum over extra e with out_channel o: e.weight * x[e.k * positions + p].
struct GemmView {
    int layer = 0;
    int outs = 0, fan_in = 0, positions = 0;
    const int8_t* weight = nullptr;  // outs x fan_in
    const int8_t* x = nullptr;       // fan_in x positions (im2col of the input)
    const ExtraWeight* extra = nullptr;
    size_t extras = 0;
    int32_t* acc = nullptr;          // outs x positions
};

struct ExactMul {
    static constexpr MulMode kMode = MulMode::Exact;
    int32_t mul(int8_t w, int8_t a, const MacSite&) { return int32_t{w} * int32_t{a}; }
    void correct(const GemmView&) {}
};

// Per-thread buffers sized for one image of a model.
template <class T>
struct Workspace {
    std::vector<std::vector<T>> act;  // one tensor per layer output
    std::vector<T> input, col;
    std::vector<int32_t> acc;
    std::vector<int32_t> packed;  // INT8: GEMM input packed by fan-in pairs
    explicit Workspace(const Model& m);
};

// im2col of an INT8 conv input straight into the GEMM's packed layout (gemm::pack_columns of the
// im2col matrix), built row by row with block copies instead of one bounds check per element.
void pack_conv_columns(const int8_t* in, const Layer& l, int8_t* row_scratch, int32_t* out);

// FP32 forward pass of one uint8 image: logits (classes values).
void forward_fp32(const Model& m, const uint8_t* image, Workspace<float>& ws, float* logits);

// INT8 forward pass of one image: int32 logits.
template <class Mul = ExactMul>
void forward_int8(const QuantizedModel& q, const uint8_t* image, Workspace<int8_t>& ws, int32_t* logits, Mul& mul);

// Largest |value| of every layer's output (and of the network input, last) over the images:
// activation calibration.
std::vector<float> activation_ranges(const Model& m, const ImageSet& images);

struct EvalResult {
    size_t images = 0, correct = 0;
    double seconds = 0;
    double accuracy() const { return images ? static_cast<double>(correct) / images : 0.0; }
};

// Throws Error naming the model file unless the images of `set` are the network's input (C x H x W
// before the model's padding) and the set's pixels match its image count.
void require_fits(const Model& m, const ImageSet& set);

// Classifies every image of `set` with `classify(image_index, image) -> class` on `threads`
// threads (0: hardware concurrency); `classify` gets the thread index to pick its workspace.
// The set is checked against model `m` first (require_fits).
EvalResult evaluate(const Model& m, const ImageSet& set, int threads,
                    const std::function<int(int thread, size_t index, const uint8_t* image)>& classify);

EvalResult evaluate_fp32(const Model& m, const ImageSet& set, int threads);
EvalResult evaluate_int8(const QuantizedModel& q, const ImageSet& set, int threads);

int argmax(const float* v, int n);
int argmax(const int32_t* v, int n);

}  // namespace tesa

#include "networks/engine_int8.inl"
