// activation_profile.cpp -- histograms through a corrections-mode policy that changes nothing.
#include "compiler/activation_profile.h"

#include "common/error.h"

#include <algorithm>
#include <thread>

namespace tesa {

namespace {

// Counts the activations of every GEMM it sees; leaves the accumulators alone.
struct HistogramMul {
    static constexpr MulMode kMode = MulMode::Corrections;
    std::vector<std::vector<uint64_t>> counts;
    void correct(const GemmView& v) {
        std::vector<uint64_t>& c = counts[static_cast<size_t>(v.layer)];
        const size_t n = static_cast<size_t>(v.fan_in) * static_cast<size_t>(v.positions);
        for (size_t i = 0; i < n; ++i) ++c[static_cast<uint8_t>(v.x[i])];
    }
};

}  // namespace

std::vector<std::vector<double>> activation_histograms(const QuantizedModel& q, const ImageSet& images, int threads) {
    if (images.count() == 0) fail("activation profile needs at least one image");
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const Model& m = *q.model;
    std::vector<HistogramMul> per(static_cast<size_t>(threads));
    for (auto& h : per) h.counts.assign(m.layers.size(), std::vector<uint64_t>(256, 0));
    std::vector<Workspace<int8_t>> ws(static_cast<size_t>(threads), Workspace<int8_t>(m));
    std::vector<std::vector<int32_t>> logits(static_cast<size_t>(threads), std::vector<int32_t>(static_cast<size_t>(m.classes())));
    evaluate(m, images, threads, [&](int t, size_t, const uint8_t* img) {
        forward_int8(q, img, ws[static_cast<size_t>(t)], logits[static_cast<size_t>(t)].data(), per[static_cast<size_t>(t)]);
        return 0;
    });
    std::vector<std::vector<double>> hist(m.layers.size());
    for (size_t l = 0; l < m.layers.size(); ++l) {
        if (!m.layers[l].has_weights()) continue;
        uint64_t total = 0;
        std::vector<uint64_t> c(256, 0);
        for (const auto& h : per)
            for (size_t x = 0; x < 256; ++x) c[x] += h.counts[l][x];
        for (uint64_t v : c) total += v;
        hist[l].assign(256, 0.0);
        for (size_t x = 0; x < 256; ++x) hist[l][x] = static_cast<double>(c[x]) / static_cast<double>(total);
    }
    return hist;
}

std::vector<std::vector<double>> activation_aware_probabilities(const ProductErrors& e, const std::vector<std::vector<double>>& hist) {
    std::vector<std::vector<double>> p(hist.size());
    for (size_t l = 0; l < hist.size(); ++l) {
        if (hist[l].empty()) {
            p[l] = e.weight_probabilities();
            continue;
        }
        if (hist[l].size() != 256) fail("activation histogram of layer " + std::to_string(l) + " must have 256 entries");
        p[l].assign(256, 0.0);
        for (uint32_t w = 0; w < 256; ++w)
            for (uint32_t x = 0; x < 256; ++x) p[l][w] += hist[l][x] * e.p_wrong(w << 8 | x);
    }
    return p;
}

}  // namespace tesa
