// mitigation_test.cpp -- EAQ and weight distribution on the trained LeNet-5/MNIST.
#include "compiler/activation_profile.h"
#include "compiler/mitigation.h"
#include "compiler/product_errors.h"
#include "networks/engine.h"
#include "synthetic_tables.h"
#include "test_util.h"

#include <cmath>

namespace tesa {
namespace {

class Mitigation : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        model_ = new Model(Model::read(model_path("lenet5-mnist")));
        calib_ = new ImageSet(load_dataset("mnist", "train", default_data_dir()).head(200));
        test_ = new ImageSet(load_dataset("mnist", "test", default_data_dir()).head(20));
        p_ = new std::vector<double>(test::synthetic_tables().p_weight_a);
    }
    static void TearDownTestSuite() {
        delete model_;
        delete calib_;
        delete test_;
        delete p_;
    }
    QuantizedModel quantized() const { return QuantizedModel::quantize(*model_, *calib_, {}); }
    static Model* model_;
    static ImageSet *calib_, *test_;
    static std::vector<double>* p_;
};
Model* Mitigation::model_ = nullptr;
ImageSet* Mitigation::calib_ = nullptr;
ImageSet* Mitigation::test_ = nullptr;
std::vector<double>* Mitigation::p_ = nullptr;

TEST_F(Mitigation, EaqPicksTheLessErrorProneNeighbourAndNeverMovesMoreThanOneStep) {
    const QuantizedModel base = quantized();
    QuantizedModel q = quantized();
    MitigationOptions o;
    o.eaq = true;
    const MitigationReport r = mitigate(q, *p_, o);
    EXPECT_GT(r.eaq_moved, 0u);
    EXPECT_LT(r.p_after, r.p_nearest);
    size_t moved = 0;
    for (size_t i = 0; i < model_->layers.size(); ++i) {
        const Layer& l = model_->layers[i];
        if (!l.has_weights()) continue;
        EXPECT_TRUE(q.layers[i].extra.empty());
        for (size_t j = 0; j < l.weight.size(); ++j) {
            const double v = l.weight[j] / q.layers[i].weight_scale[0];
            const int w = q.layers[i].weight[j];
            ASSERT_LT(std::fabs(w - v), 1.0) << "layer " << i << " weight " << j;
            ASSERT_LE(std::abs(w - base.layers[i].weight[j]), 1);
            const int other = w == static_cast<int>(std::floor(v)) ? static_cast<int>(std::ceil(v)) : static_cast<int>(std::floor(v));
            if (other >= -127 && other <= 127 && other != w) {
                ASSERT_LE((*p_)[static_cast<uint8_t>(w)], (*p_)[static_cast<uint8_t>(other)]) << "layer " << i << " weight " << j;
            }
            moved += w != base.layers[i].weight[j];
        }
    }
    EXPECT_EQ(moved, r.eaq_moved);
}

TEST(EaqRound, TiesAndIntegersGoToTheNearestValue) {
    std::vector<double> p(256, 0.5);
    EXPECT_EQ(eaq_round(3.3, p), 3);
    EXPECT_EQ(eaq_round(3.7, p), 4);
    EXPECT_EQ(eaq_round(-5.0, p), -5);
    p[static_cast<uint8_t>(int8_t{4})] = 0.1;
    EXPECT_EQ(eaq_round(3.3, p), 4);
    EXPECT_EQ(eaq_round(4.9, p), 4);
    EXPECT_EQ(eaq_round(127.2, p), 127);  // clamped to the symmetric range
}

TEST(BestSplit, MinimisesTheSummedProbabilityAndSplitsOnlyWhenThatHelps) {
    const std::vector<double> p = test::synthetic_tables().p_weight_b;
    size_t splits = 0;
    for (int w = -128; w <= 127; ++w) {
        double best = 1e9;
        for (int w1 = -128; w1 <= 127; ++w1)
            if (w - w1 >= -128 && w - w1 <= 127) best = std::min(best, p[static_cast<uint8_t>(w1)] + p[static_cast<uint8_t>(w - w1)]);
        const auto s = best_split(static_cast<int8_t>(w), p);
        if (s) {
            ++splits;
            EXPECT_EQ(s->first + s->second, w);
            EXPECT_DOUBLE_EQ(p[static_cast<uint8_t>(s->first)] + p[static_cast<uint8_t>(s->second)], best);
            EXPECT_LT(best, p[static_cast<uint8_t>(w)]);
        } else {
            EXPECT_GE(best, p[static_cast<uint8_t>(w)]);
        }
    }
    EXPECT_GT(splits, 0u);
}

// Sees every multiplication, exact products: counts MACs through the per-product path.
struct CountingMul {
    static constexpr MulMode kMode = MulMode::PerProduct;
    size_t calls = 0, extra_calls = 0;
    int32_t mul(int8_t w, int8_t a, const MacSite& s) {
        ++calls;
        extra_calls += s.extra >= 0;
        return int32_t{w} * a;
    }
};

TEST_F(Mitigation, WeightDistributionKeepsEveryIntegerSumAndTheExactOutputBitForBit) {
    const QuantizedModel base = quantized();
    QuantizedModel q = quantized();
    MitigationOptions o;
    o.eaq = false;
    o.wd_fraction = 0.05;
    const MitigationReport r = mitigate(q, *p_, o);
    EXPECT_EQ(r.wd_selected, static_cast<size_t>(std::llround(0.05 * static_cast<double>(r.weights))));
    ASSERT_GT(r.wd_split, 0u);
    EXPECT_EQ(q.extra_weights(), r.wd_split);
    EXPECT_EQ(r.eaq_moved, 0u);
    size_t extra_macs = 0;
    for (size_t i = 0; i < model_->layers.size(); ++i) {
        const Layer& l = model_->layers[i];
        if (!l.has_weights()) continue;
        std::vector<int> sum(q.layers[i].weight.begin(), q.layers[i].weight.end());
        const size_t fan = l.fan_in();
        for (const ExtraWeight& e : q.layers[i].extra) sum[static_cast<size_t>(e.out_channel) * fan + static_cast<size_t>(e.k)] += e.weight;
        for (size_t j = 0; j < sum.size(); ++j) ASSERT_EQ(sum[j], base.layers[i].weight[j]) << "layer " << i << " weight " << j;
        extra_macs += q.layers[i].extra.size() * static_cast<size_t>(l.out.h) * l.out.w;
    }
    EXPECT_EQ(q.macs(), model_->macs() + extra_macs);
    Workspace<int8_t> ws(*model_);
    std::vector<int32_t> a(10), b(10), c(10);
    for (size_t i = 0; i < test_->count(); ++i) {
        ExactMul e;
        forward_int8(base, test_->image(i), ws, a.data(), e);
        forward_int8(q, test_->image(i), ws, b.data(), e);
        CountingMul counting;
        forward_int8(q, test_->image(i), ws, c.data(), counting);
        ASSERT_EQ(a, b) << "image " << i;
        ASSERT_EQ(a, c) << "image " << i;
        EXPECT_EQ(counting.calls, q.macs());
        EXPECT_EQ(counting.extra_calls, extra_macs);
    }
}

TEST_F(Mitigation, SensitiveWeightsAreTheOnesDistributed) {
    QuantizedModel q = quantized();
    MitigationOptions o;
    o.wd_fraction = 0.01;
    mitigate(q, *p_, o);
    // Every distributed weight is at least as sensitive as the least sensitive one of the top 1%.
    std::vector<float> s;
    for (const Layer& l : model_->layers) s.insert(s.end(), l.sensitivity.begin(), l.sensitivity.end());
    std::sort(s.begin(), s.end(), std::greater<float>());
    const float threshold = s[static_cast<size_t>(std::llround(0.01 * static_cast<double>(s.size()))) - 1];
    for (size_t i = 0; i < model_->layers.size(); ++i)
        for (const ExtraWeight& e : q.layers[i].extra)
            EXPECT_GE(model_->layers[i].sensitivity[static_cast<size_t>(e.out_channel) * model_->layers[i].fan_in() + static_cast<size_t>(e.k)],
                      threshold);
}

TEST(MitigationInput, BadProbabilitiesAndFractionsAreRefused) {
    Model m;
    QuantizedModel q;
    q.model = &m;
    test::expect_error([&] { mitigate(q, std::vector<double>(10, 0.0), {}); }, {"256"});
    MitigationOptions o;
    o.wd_fraction = 1.5;
    test::expect_error([&] { mitigate(q, std::vector<double>(256, 0.0), o); }, {"fraction"});
}

}  // namespace
}  // namespace tesa

namespace tesa {
namespace {

TEST_F(Mitigation, ActivationAwareProbabilitiesComeFromTheLayersHistograms) {
    const QuantizedModel q = quantized();
    const auto hist = activation_histograms(q, *test_, 2);
    const ErrorTables t = test::synthetic_tables();
    const ProductErrors e = ProductErrors::from_tables(t, WeightPort::A, false);
    const auto p = activation_aware_probabilities(e, hist);
    ASSERT_EQ(hist.size(), model_->layers.size());
    for (size_t l = 0; l < hist.size(); ++l) {
        if (!model_->layers[l].has_weights()) {
            EXPECT_TRUE(hist[l].empty());
            EXPECT_EQ(p[l], e.weight_probabilities());
            continue;
        }
        double sum = 0;
        for (double h : hist[l]) sum += h;
        EXPECT_NEAR(sum, 1.0, 1e-12) << "layer " << l;
        // ReLU'd inputs of the later layers are never negative.
        if (l > 0) {
            for (int x = 128; x < 256; ++x) EXPECT_EQ(hist[l][static_cast<size_t>(x)], 0.0) << "layer " << l << " x " << x;
        }
        for (int w : {-128, -1, 0, 5, 127}) {
            double expect = 0;
            for (uint32_t x = 0; x < 256; ++x) expect += hist[l][x] * e.p_wrong(pair_index(static_cast<int8_t>(w), static_cast<int8_t>(x)));
            EXPECT_NEAR(p[l][static_cast<uint8_t>(w)], expect, 1e-12);
        }
    }
    // A uniform histogram gives back Table III.
    const auto uniform = activation_aware_probabilities(e, {std::vector<double>(256, 1.0 / 256)});
    for (int w = 0; w < 256; ++w) EXPECT_NEAR(uniform[0][static_cast<size_t>(w)], t.p_weight_a[static_cast<size_t>(w)], 1e-12);
    // Mitigation with per-layer probabilities: EAQ still moves weights by at most one step.
    QuantizedModel m = quantized();
    mitigate(m, p, MitigationOptions{});
    for (size_t l = 0; l < model_->layers.size(); ++l)
        for (size_t j = 0; j < q.layers[l].weight.size(); ++j) ASSERT_LE(std::abs(m.layers[l].weight[j] - q.layers[l].weight[j]), 1);
}

}  // namespace
}  // namespace tesa
