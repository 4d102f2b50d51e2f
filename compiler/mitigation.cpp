// mitigation.cpp -- EAQ and weight distribution on a quantized network.
#include "compiler/mitigation.h"

#include "common/error.h"
#include "networks/gemm_int8.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tesa {

namespace {

double prob(const std::vector<double>& p, int w) { return p[static_cast<uint8_t>(static_cast<int8_t>(w))]; }

int8_t nearest(double v) { return static_cast<int8_t>(std::clamp(std::lround(v), -127L, 127L)); }

}  // namespace

int8_t eaq_round(double v, const std::vector<double>& p) {
    const long lo = std::clamp(static_cast<long>(std::floor(v)), -127L, 127L);
    const long hi = std::clamp(static_cast<long>(std::ceil(v)), -127L, 127L);
    if (lo == hi) return static_cast<int8_t>(lo);
    const double plo = prob(p, static_cast<int>(lo)), phi = prob(p, static_cast<int>(hi));
    if (plo < phi) return static_cast<int8_t>(lo);
    if (phi < plo) return static_cast<int8_t>(hi);
    return nearest(v);
}

std::optional<std::pair<int8_t, int8_t>> best_split(int8_t w, const std::vector<double>& p) {
    double best = prob(p, w);
    std::optional<std::pair<int8_t, int8_t>> split;
    for (int w1 = -128; w1 <= 127; ++w1) {
        const int w2 = int{w} - w1;
        if (w2 < -128 || w2 > 127) continue;
        const double s = prob(p, w1) + prob(p, w2);
        if (s < best) {
            best = s;
            split = std::make_pair(static_cast<int8_t>(w1), static_cast<int8_t>(w2));
        }
    }
    return split;
}

MitigationReport mitigate(QuantizedModel& q, const std::vector<double>& p, const MitigationOptions& o) {
    if (p.size() != 256) fail("per-weight error probability must have 256 entries");
    return mitigate(q, std::vector<std::vector<double>>(q.model->layers.size(), p), o);
}

MitigationReport mitigate(QuantizedModel& q, const std::vector<std::vector<double>>& p_per_layer, const MitigationOptions& o) {
    if (!(o.wd_fraction >= 0 && o.wd_fraction <= 1)) fail("WD fraction must be in [0, 1]");
    const Model& m = *q.model;
    MitigationReport r;
    // Rank every weight of the network by sensitivity; ties keep network order.
    struct Ref {
        float s;
        uint32_t layer, index;
    };
    std::vector<Ref> all;
    for (size_t i = 0; i < m.layers.size(); ++i) {
        const Layer& l = m.layers[i];
        if (!l.has_weights()) continue;
        if (!q.layers[i].extra.empty()) fail("mitigate: layer " + std::to_string(i) + " is already weight-distributed");
        if (l.sensitivity.size() != l.weight.size()) fail(m.file + ": layer " + std::to_string(i) + " has no sensitivities");
        for (size_t j = 0; j < l.weight.size(); ++j) all.push_back({l.sensitivity[j], static_cast<uint32_t>(i), static_cast<uint32_t>(j)});
    }
    r.weights = all.size();
    const size_t top = static_cast<size_t>(std::llround(o.wd_fraction * static_cast<double>(all.size())));
    std::stable_sort(all.begin(), all.end(), [](const Ref& a, const Ref& b) { return a.s > b.s; });
    std::vector<std::vector<char>> selected(m.layers.size());
    for (size_t t = 0; t < top; ++t) {
        auto& sel = selected[all[t].layer];
        if (sel.empty()) sel.assign(m.layers[all[t].layer].weight.size(), 0);
        sel[all[t].index] = 1;
    }
    r.wd_selected = top;
    if (p_per_layer.size() != m.layers.size()) fail("per-layer error probabilities: one vector per layer needed");
    for (size_t i = 0; i < m.layers.size(); ++i) {
        const Layer& l = m.layers[i];
        if (!l.has_weights()) continue;
        const std::vector<double>& p = p_per_layer[i];
        if (p.size() != 256) fail("per-weight error probability of layer " + std::to_string(i) + " must have 256 entries");
        QuantLayer& ql = q.layers[i];
        const size_t fan = l.fan_in();
        const bool per_channel = ql.weight_scale.size() > 1;
        for (size_t j = 0; j < l.weight.size(); ++j) {
            const size_t o_ch = j / fan;
            const float v = l.weight[j] / ql.weight_scale[per_channel ? o_ch : 0];  // as quantize() divides
            const int8_t near = ql.weight[j];
            r.p_nearest += prob(p, near);
            int8_t w = near;
            bool split_done = false;
            if (!selected[i].empty() && selected[i][j]) {
                if (auto s = best_split(near, p)) {
                    w = s->first;
                    ql.extra.push_back({static_cast<int32_t>(o_ch), static_cast<int32_t>(j % fan), s->second});
                    r.p_after += prob(p, s->second);
                    ++r.wd_split;
                    split_done = true;
                }
            }
            if (!split_done && o.eaq) w = eaq_round(v, p);
            if (!split_done && w != near) ++r.eaq_moved;
            ql.weight[j] = w;
            r.p_after += prob(p, w);
        }
        ql.weight_packed = gemm::pack_weights(ql.weight.data(), l.out.c, static_cast<int>(fan));
    }
    return r;
}

}  // namespace tesa
