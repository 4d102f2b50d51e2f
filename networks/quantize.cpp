// quantize.cpp -- weight and activation scales, integer biases, requantization multipliers.
#include "networks/quantize.h"

#include "common/error.h"
#include "networks/engine.h"
#include "networks/gemm_int8.h"

#include <algorithm>
#include <cmath>

namespace tesa {

Requant Requant::of(double multiplier) {
    if (!(multiplier > 0) || !std::isfinite(multiplier)) fail("requantization multiplier must be positive and finite");
    Requant r;
    int e = 0;
    const double f = std::frexp(multiplier, &e);  // multiplier = f * 2^e, f in [0.5, 1)
    int64_t m0 = std::llround(f * 2147483648.0);  // f * 2^31, in [2^30, 2^31]
    if (m0 == (int64_t{1} << 31)) {
        m0 /= 2;
        ++e;
    }
    r.m0 = static_cast<int32_t>(m0);
    r.n = 31 - e;
    if (r.n < 1 || r.n > 62) fail("requantization multiplier " + std::to_string(multiplier) + " out of the fixed-point range");
    return r;
}

namespace {

float scale_of(float max_abs) { return max_abs > 0 ? max_abs / 127.0f : 1.0f; }

}  // namespace

QuantizedModel QuantizedModel::quantize(const Model& m, const ImageSet& calibration, const QuantOptions& o) {
    if (calibration.count() == 0) fail("INT8 calibration needs at least one image");
    QuantizedModel q;
    q.model = &m;
    q.options = o;
    const std::vector<float> range = activation_ranges(m, calibration.head(o.calibration_images));
    const size_t n = m.layers.size();
    // Scale of each layer's output: pooling and shortcuts keep their input's scale.
    std::vector<float> out_scale(n);
    q.input_scale = scale_of(range[n]);
    auto scale_in = [&](int in) { return in < 0 ? q.input_scale : out_scale[static_cast<size_t>(in)]; };
    q.layers.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const Layer& l = m.layers[i];
        QuantLayer& ql = q.layers[i];
        ql.in_scale = scale_in(l.inputs[0]);
        switch (l.type) {
            case LayerType::MaxPool:
            case LayerType::GlobalAvgPool:
            case LayerType::ShortcutA: ql.out_scale = ql.in_scale; break;
            case LayerType::Add: {
                ql.out_scale = scale_of(range[i]);
                const double sb = scale_in(l.inputs[1]);
                ql.add_a.m0 = static_cast<int32_t>(std::llround(ql.in_scale / ql.out_scale * (1 << QuantLayer::kAddBits)));
                ql.add_b.m0 = static_cast<int32_t>(std::llround(sb / ql.out_scale * (1 << QuantLayer::kAddBits)));
                ql.add_a.n = ql.add_b.n = QuantLayer::kAddBits;
                break;
            }
            case LayerType::Conv:
            case LayerType::Fc: {
                const size_t outs = static_cast<size_t>(l.out.c), fan = l.fan_in();
                ql.out_scale = scale_of(range[i]);
                ql.weight.resize(l.weight.size());
                ql.bias.resize(outs);
                ql.weight_scale.assign(o.per_channel ? outs : 1, 0.0f);
                float layer_max = 0;
                for (float w : l.weight) layer_max = std::max(layer_max, std::fabs(w));
                for (size_t c = 0; c < outs; ++c) {
                    float mx = layer_max;
                    if (o.per_channel) {
                        mx = 0;
                        for (size_t k = 0; k < fan; ++k) mx = std::max(mx, std::fabs(l.weight[c * fan + k]));
                    }
                    const float sw = scale_of(mx);
                    ql.weight_scale[o.per_channel ? c : 0] = sw;
                    for (size_t k = 0; k < fan; ++k) {
                        const long v = std::lround(l.weight[c * fan + k] / sw);
                        ql.weight[c * fan + k] = static_cast<int8_t>(std::clamp(v, -127L, 127L));
                    }
                    ql.bias[c] = static_cast<int32_t>(std::llround(static_cast<double>(l.bias[c]) / (double{sw} * ql.in_scale)));
                    if (i + 1 < n) ql.requant.push_back(Requant::of(double{sw} * ql.in_scale / ql.out_scale));
                }
                ql.weight_packed = gemm::pack_weights(ql.weight.data(), l.out.c, static_cast<int>(fan));
                break;
            }
        }
        out_scale[i] = ql.out_scale;
    }
    // Input lookup table: pixel value -> quantized normalised value, per channel.
    q.input_lut.resize(static_cast<size_t>(m.input.c) * 256);
    for (int c = 0; c < m.input.c; ++c)
        for (int p = 0; p < 256; ++p) {
            const float x = (static_cast<float>(p) / 255.0f - m.pre.mean[static_cast<size_t>(c)]) / m.pre.std[static_cast<size_t>(c)];
            q.input_lut[static_cast<size_t>(c) * 256 + static_cast<size_t>(p)] =
                clamp_int8(static_cast<int32_t>(std::lround(x / q.input_scale)), false);
        }
    return q;
}

int QuantizedModel::classify(const int32_t* logits) const {
    const int n = model->classes();
    if (!options.per_channel) return static_cast<int>(std::max_element(logits, logits + n) - logits);
    int best = 0;
    for (int c = 1; c < n; ++c)
        if (static_cast<double>(logits[c]) * logit_scale(c) > static_cast<double>(logits[best]) * logit_scale(best)) best = c;
    return best;
}

float QuantizedModel::logit_scale(int cls) const {
    const QuantLayer& ql = layers.back();
    return ql.weight_scale[options.per_channel ? static_cast<size_t>(cls) : 0] * ql.in_scale;
}

size_t QuantizedModel::macs() const {
    size_t n = model->macs();
    for (size_t i = 0; i < layers.size(); ++i)
        n += layers[i].extra.size() * static_cast<size_t>(model->layers[i].out.h) * model->layers[i].out.w;
    return n;
}

size_t QuantizedModel::extra_weights() const {
    size_t n = 0;
    for (const auto& l : layers) n += l.extra.size();
    return n;
}

}  // namespace tesa
