// quantize.h -- INT8 quantization of a model, the way an accelerator runs it.
//
// - Weights: symmetric INT8, q = clamp(round(w / s_w), -127, 127), s_w = max|w| / 127 per layer
//   (per output channel with per_channel). Both multiplier operands are signed INT8.
// - Activations: symmetric signed INT8 with one scale per tensor, s = max|x| / 127 over the
//   calibration images (FP32 run); the network input is quantized through a per-channel lookup
//   table of the 256 pixel values, so preprocessing costs nothing at run time.
// - Accumulation in int32 with the bias pre-scaled to s_w * s_in (round to nearest).
// - Requantization to the output scale: M = s_w * s_in / s_out as m0 * 2^-n with m0 in
//   [2^30, 2^31); q = (acc * m0 + 2^(n-1)) >> n (arithmetic shift: ties round towards +inf),
//   clamped to [-128, 127], or [0, 127] with a fused ReLU. Residual adds rescale both inputs with
//   20-bit fixed-point multipliers and the same rounding. Pooling keeps the input scale (the
//   global average rounds the integer mean with ties towards +inf).
// - The last layer's int32 accumulators are the logits (per layer, argmax needs no requantization;
//   per channel, classify() compares them scaled).
#pragma once

#include "networks/datasets.h"
#include "networks/model_file.h"

#include <cstdint>
#include <vector>

namespace tesa {

struct Requant {
    int32_t m0 = 0;
    int n = 0;
    static Requant of(double multiplier);  // multiplier > 0
    int32_t apply(int64_t acc) const { return static_cast<int32_t>((acc * m0 + (int64_t{1} << (n - 1))) >> n); }
};

// Weight distribution: a second INT8 weight of output channel `out_channel` on activation row `k`
// (the same input as weight[out_channel][k]); the two weights sum to the distributed one.
struct ExtraWeight {
    int32_t out_channel = 0, k = 0;
    int8_t weight = 0;
};

struct QuantLayer {
    std::vector<int8_t> weight;       // same layout as Layer::weight
    std::vector<ExtraWeight> extra;   // weight distribution's extra MACs, by (out_channel, k)
    std::vector<int32_t> weight_packed;  // gemm::pack_weights of weight
    std::vector<int32_t> bias;        // per output channel, in units of s_w * s_in
    std::vector<float> weight_scale;  // one (per layer) or per output channel
    std::vector<Requant> requant;     // per output channel (conv/fc, not the last layer)
    float in_scale = 0, out_scale = 0;
    Requant add_a, add_b;             // Add: input a and b to the output scale
    static constexpr int kAddBits = 20;
};

struct QuantOptions {
    bool per_channel = false;
    size_t calibration_images = 1000;  // the first N training images
};

struct QuantizedModel {
    const Model* model = nullptr;
    QuantOptions options;
    std::vector<QuantLayer> layers;
    float input_scale = 0;
    std::vector<int8_t> input_lut;  // channels x 256: pixel value -> quantized input

    static QuantizedModel quantize(const Model& m, const ImageSet& calibration, const QuantOptions& o);
    // Integer logits -> real values (acc x s_w x s_in of the last layer).
    float logit_scale(int cls) const;
    // The class of integer logits: with per-channel weights each class has its own scale, so the
    // comparison is of real values; per layer it is the argmax of the integers.
    int classify(const int32_t* logits) const;
    // Multiplications per image, counted from the layers: the model's MACs plus one per output
    // position for each extra (weight-distributed) weight.
    size_t macs() const;
    size_t extra_weights() const;
};

inline int8_t clamp_int8(int32_t v, bool relu) {
    const int32_t lo = relu ? 0 : -128;
    return static_cast<int8_t>(v < lo ? lo : (v > 127 ? 127 : v));
}

}  // namespace tesa
