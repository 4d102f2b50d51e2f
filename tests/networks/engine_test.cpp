// engine_test.cpp -- FP32 engine against PyTorch's logits, INT8 engine accuracy and determinism,
// the per-multiplication hook, requantization arithmetic.
#include "networks/engine.h"

#include "test_util.h"

#include <cmath>
#include <random>

namespace tesa {
namespace {

class Network : public ::testing::TestWithParam<const char*> {
protected:
    void SetUp() override {
        model_ = Model::read(model_path(GetParam()));
        test_ = load_dataset(model_.dataset, "test", default_data_dir());
    }
    // Test images for the accuracy checks: fewer for ResNet-20 (100x LeNet-5's MACs) to keep CI short.
    size_t subset() const { return test::sanitized_share(model_.macs() > 10'000'000 ? 1000 : 2000); }
    Model model_;
    ImageSet test_;
};

TEST_P(Network, Fp32LogitsMatchPyTorch) {
    Workspace<float> ws(model_);
    std::vector<float> logits(static_cast<size_t>(model_.classes()));
    const size_t classes = logits.size();
    ASSERT_FALSE(model_.reference_indices.empty());
    for (size_t r = 0; r < model_.reference_indices.size(); ++r) {
        forward_fp32(model_, test_.image(static_cast<size_t>(model_.reference_indices[r])), ws, logits.data());
        for (size_t c = 0; c < classes; ++c)
            EXPECT_NEAR(logits[c], model_.reference_logits[r * classes + c], 1e-4) << "image " << r << " class " << c;
    }
}

TEST_P(Network, Fp32AccuracyOnASubsetAgreesWithTraining) {
    // The C++ engine classifies as PyTorch did (within the sampling spread).
    const EvalResult r = evaluate_fp32(model_, test_.head(subset()), 2);
    if (!test::kSanitized) EXPECT_NEAR(r.accuracy(), model_.fp32_test_accuracy, 0.03);
}

TEST_P(Network, Int8LosesAtMostHalfAPointAndIsDeterministic) {
    const ImageSet calib = load_dataset(model_.dataset, "train", default_data_dir()).head(1000);
    const QuantizedModel q = QuantizedModel::quantize(model_, calib, QuantOptions{});
    const ImageSet subset = test_.head(this->subset());
    const EvalResult fp = evaluate_fp32(model_, subset, 2);
    const EvalResult i8 = evaluate_int8(q, subset, 2);
    if (!test::kSanitized) EXPECT_GE(i8.accuracy(), fp.accuracy() - 0.005) << "FP32 " << fp.accuracy() << " INT8 " << i8.accuracy();
    EXPECT_EQ(evaluate_int8(q, subset, 1).correct, i8.correct);
    // Same quantization twice, same bits.
    const QuantizedModel q2 = QuantizedModel::quantize(model_, calib, QuantOptions{});
    EXPECT_EQ(q2.input_scale, q.input_scale);
    for (size_t i = 0; i < q.layers.size(); ++i) EXPECT_EQ(q2.layers[i].weight, q.layers[i].weight);
    // Per-channel weight scales (each class then has its own logit scale).
    QuantOptions pc;
    pc.per_channel = true;
    const EvalResult c8 = evaluate_int8(QuantizedModel::quantize(model_, calib, pc), subset, 2);
    if (!test::kSanitized) EXPECT_GE(c8.accuracy(), fp.accuracy() - 0.005) << "FP32 " << fp.accuracy() << " INT8 per channel " << c8.accuracy();
}

// A policy through the hook: exact products, but every multiplication is seen and counted.
struct CountingMul {
    static constexpr MulMode kMode = MulMode::PerProduct;
    size_t calls = 0;
    std::vector<size_t> per_layer;
    int32_t mul(int8_t w, int8_t a, const MacSite& s) {
        ++calls;
        if (per_layer.size() <= static_cast<size_t>(s.layer)) per_layer.resize(static_cast<size_t>(s.layer) + 1);
        ++per_layer[static_cast<size_t>(s.layer)];
        return int32_t{w} * int32_t{a};
    }
};

// Flips the sign of every product of one layer: the hook really replaces products.
struct NegateLayerMul {
    static constexpr MulMode kMode = MulMode::PerProduct;
    int layer = 0;
    int32_t mul(int8_t w, int8_t a, const MacSite& s) { return (s.layer == layer ? -1 : 1) * int32_t{w} * int32_t{a}; }
};

// The hook path (every product through CountingMul) gives the packed GEMM's logits for `image`
// and sees every layer's MACs; returns the exact logits.
std::vector<int32_t> expect_hook_equals_exact(const QuantizedModel& q, const uint8_t* image, Workspace<int8_t>& ws) {
    const Model& m = *q.model;
    std::vector<int32_t> exact(static_cast<size_t>(m.classes())), hooked(exact.size());
    ExactMul e;
    forward_int8(q, image, ws, exact.data(), e);
    CountingMul c;
    forward_int8(q, image, ws, hooked.data(), c);
    EXPECT_EQ(hooked, exact);
    EXPECT_EQ(c.calls, m.macs());
    for (size_t l = 0; l < c.per_layer.size(); ++l) EXPECT_EQ(c.per_layer[l], m.layers[l].macs()) << "layer " << l;
    return exact;
}

TEST_P(Network, HookSeesEveryMultiplicationAndCanReplaceIt) {
    const QuantizedModel q = QuantizedModel::quantize(model_, load_dataset(model_.dataset, "train", default_data_dir()).head(200), {});
    Workspace<int8_t> ws(model_);
    std::vector<int32_t> negated(static_cast<size_t>(model_.classes()));
    for (size_t i = 0; i < 5; ++i) {
        const std::vector<int32_t> exact = expect_hook_equals_exact(q, test_.image(i), ws);
        NegateLayerMul n;
        n.layer = static_cast<int>(model_.layers.size()) - 1;
        forward_int8(q, test_.image(i), ws, negated.data(), n);
        EXPECT_NE(negated, exact);
    }
}

INSTANTIATE_TEST_SUITE_P(Trained, Network, ::testing::Values("lenet5-mnist", "lenet5-cifar10", "resnet20-cifar10"));

// The trained ResNet-20 as PyTorch exported it (option-A shortcuts) has the paper's 40.55M MACs; its
// residual path (shortcuts, adds, global average pooling) is checked by the Trained suite above.
TEST(TrainedResNet20, MacsAreThePapers) { EXPECT_EQ(Model::read(model_path("resnet20-cifar10")).macs(), 40551040u); }

TEST(Requant, FixedPointMultiplierRoundsToNearestWithTiesUp) {
    const Requant r = Requant::of(0.375);  // exact in binary
    EXPECT_EQ(r.apply(4), 2);    // 1.5 -> 2
    EXPECT_EQ(r.apply(-4), -1);  // -1.5 -> -1 (ties towards +inf)
    EXPECT_EQ(r.apply(3), 1);    // 1.125 -> 1
    EXPECT_EQ(r.apply(100), 38); // 37.5 -> 38
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> mdist(1e-6, 4.0);
    std::uniform_int_distribution<int32_t> adist(-(1 << 24), 1 << 24);
    for (int i = 0; i < 10000; ++i) {
        const double m = mdist(rng);
        const Requant q = Requant::of(m);
        EXPECT_NEAR(std::ldexp(static_cast<double>(q.m0), -q.n) / m, 1.0, 1e-9);
        const int32_t acc = adist(rng);
        EXPECT_LE(std::fabs(q.apply(acc) - static_cast<double>(acc) * m), 0.5 + 1e-6 * std::fabs(acc * m) + 1e-9);
    }
    test::expect_error([] { Requant::of(0.0); }, {"positive"});
}

}  // namespace
}  // namespace tesa
