// injection_test.cpp -- the paper and sequence error models on the INT8 engine (synthetic tables,
// trained LeNet-5/MNIST).
#include "compiler/injection.h"
#include "compiler/mitigation.h"
#include "synthetic_tables.h"
#include "lenet_suite.h"
#include "test_util.h"

#include <cmath>
#include <map>
#include <tuple>

namespace tesa {
namespace {

class Injection : public test::LeNetSuite<40> {
protected:
    static std::vector<int32_t> logits(const QuantizedModel& q, size_t image, Injector& in, uint64_t seed) {
        Workspace<int8_t> ws(*q.model);
        std::vector<int32_t> out(10);
        in.start_image(seed, image);
        forward_int8(q, test_->image(image), ws, out.data(), in);
        return out;
    }
    static std::vector<int32_t> exact(const QuantizedModel& q, size_t image) {
        Workspace<int8_t> ws(*q.model);
        std::vector<int32_t> out(10);
        ExactMul e;
        forward_int8(q, test_->image(image), ws, out.data(), e);
        return out;
    }
};

TEST_F(Injection, ProductErrorsFollowTheWeightPort) {
    for (WeightPort port : {WeightPort::A, WeightPort::B}) {
        const ProductErrors e = ProductErrors::from_tables(*tables_, port, false);
        EXPECT_EQ(e.weight_probabilities(), port == WeightPort::A ? tables_->p_weight_a : tables_->p_weight_b);
        for (uint32_t pair : {0u, 0x0102u, 0xff80u, 0x7f7fu, 0x80ffu, 0x1234u}) {
            const uint32_t w = pair >> 8, x = pair & 0xff;
            const uint32_t c = port == WeightPort::A ? (w | x << 8) : (x | w << 8);
            uint32_t wrong = 0;
            std::map<int32_t, uint32_t> expect;
            const int32_t ex = int32_t{static_cast<int8_t>(w)} * static_cast<int8_t>(x);
            for (uint32_t j = tables_->offsets[c]; j < tables_->offsets[c + 1]; ++j)
                if (static_cast<int16_t>(tables_->outputs[j]) != ex) {
                    wrong += tables_->counts[j];
                    expect[static_cast<int16_t>(tables_->outputs[j]) - ex] += tables_->counts[j];
                }
            ASSERT_EQ(e.wrong_total(pair), wrong) << "pair " << pair;
            // Drawing r over 0..wrong-1 reproduces the table's wrong outputs with their counts.
            std::map<int32_t, uint32_t> got;
            for (uint32_t r = 0; r < wrong; ++r) ++got[e.wrong_delta(pair, r)];
            EXPECT_EQ(got, expect) << "pair " << pair;
        }
    }
}

TEST_F(Injection, RegulationZeroEqualsTheExactEngineBitForBit) {
    for (ErrorModel model : {ErrorModel::Paper, ErrorModel::Sequence}) {
        const ProductErrors e = ProductErrors::from_tables(*tables_, WeightPort::A, true);
        const InjectionPlan plan(*q_, e, model, 0.0);
        Injector in(plan);
        for (size_t i = 0; i < 5; ++i) EXPECT_EQ(logits(*q_, i, in, 1), exact(*q_, i)) << error_model_name(model);
        EXPECT_EQ(in.stats.errors, 0u);
    }
}

TEST_F(Injection, PaperModelErrorCountMatchesTheTablesExpectation) {
    // Every product fails independently with probability q = regulation x P(wrong | w, x): the
    // count of failures has mean sum(q) and variance sum(q(1-q)) <= sum(q); allow 5 sigma.
    for (WeightPort port : {WeightPort::A, WeightPort::B}) {
        const ProductErrors e = ProductErrors::from_tables(*tables_, port, false);
        for (double reg : {0.0227, 0.5, 1.0}) {
            const InjectionPlan plan(*q_, e, ErrorModel::Paper, reg);
            const InjectedEval r = evaluate_injected(plan, *test_, 2, 7, true);
            const double mean = r.stats.expected;
            ASSERT_GT(mean, 1000.0);
            EXPECT_NEAR(static_cast<double>(r.stats.errors), mean, 5 * std::sqrt(mean) + 1)
                << "port " << weight_port_name(port) << " regulation " << reg;
            EXPECT_GE(r.stats.candidates, r.stats.errors);
        }
    }
}

TEST_F(Injection, SameSeedSameBitsAndThreadCountDoesNotMatter) {
    const ProductErrors e = ProductErrors::from_tables(*tables_, WeightPort::A, true);
    for (ErrorModel model : {ErrorModel::Paper, ErrorModel::Sequence}) {
        const InjectionPlan plan(*q_, e, model, 0.3);
        Injector a(plan), b(plan), c(plan);
        EXPECT_EQ(logits(*q_, 3, a, 11), logits(*q_, 3, b, 11));
        bool differs = false;
        for (size_t i = 0; i < 5 && !differs; ++i) differs = logits(*q_, i, a, 11) != logits(*q_, i, c, 12);
        EXPECT_TRUE(differs) << "seeds 11 and 12 gave the same logits on 5 images";
        const InjectedEval one = evaluate_injected(plan, *test_, 1, 5), two = evaluate_injected(plan, *test_, 2, 5);
        EXPECT_EQ(one.result.correct, two.result.correct);
        EXPECT_EQ(one.stats.errors, two.stats.errors);
        EXPECT_GT(one.stats.errors, 0u);
    }
}

// The sequence model's oracle: every product through the per-product path, each multiplier's
// previous activation remembered in a map (stream = layer, output channel, row, extra).
struct SequenceOracle {
    static constexpr MulMode kMode = MulMode::PerProduct;
    const ProductErrors* e = nullptr;
    std::map<std::tuple<int, int, int, int>, int8_t> prev;
    size_t errors = 0;
    int32_t mul(int8_t w, int8_t a, const MacSite& s) {
        int8_t& p = prev[{s.layer, s.out_channel, s.k, s.extra}];  // 0 at the start of the stream
        const bool wrong = e->held_wrong(static_cast<uint8_t>(w), static_cast<uint8_t>(p), static_cast<uint8_t>(a));
        const int32_t product = int32_t{w} * a + (wrong ? e->held_delta(static_cast<uint8_t>(w), static_cast<uint8_t>(p), static_cast<uint8_t>(a)) : 0);
        errors += wrong;
        p = a;
        return product;
    }
};

TEST_F(Injection, SequenceModelEqualsThePerProductOracleOnAnOverclockedDie) {
    // Regulation 1: every cycle slow, so the fast scan and the oracle must agree bit for bit, with
    // a weight-distributed network too (extra multipliers on the same activation streams).
    QuantizedModel wd = QuantizedModel::quantize(*model_, load_dataset("mnist", "train", default_data_dir()).head(200), {});
    MitigationOptions o;
    o.wd_fraction = 0.05;
    for (WeightPort port : {WeightPort::A, WeightPort::B}) {
        const ProductErrors e = ProductErrors::from_tables(*tables_, port, true);
        QuantizedModel m = wd;
        mitigate(m, e.weight_probabilities(), o);
        ASSERT_GT(m.extra_weights(), 0u);
        const InjectionPlan plan(m, e, ErrorModel::Sequence, 1.0);
        Injector in(plan);
        for (size_t i = 0; i < 3; ++i) {
            SequenceOracle oracle;
            oracle.e = &e;
            Workspace<int8_t> ws(*model_);
            std::vector<int32_t> expect(10);
            forward_int8(m, test_->image(i), ws, expect.data(), oracle);
            const uint64_t before = in.stats.errors;
            EXPECT_EQ(logits(m, i, in, 1), expect) << "port " << weight_port_name(port) << " image " << i;
            EXPECT_EQ(in.stats.errors - before, oracle.errors);
            EXPECT_GT(oracle.errors, 0u);
        }
    }
}

TEST(Regulation, NamesAndBadValues) {
    EXPECT_DOUBLE_EQ(parse_regulation("1.5sigma"), 0.0668);
    EXPECT_DOUBLE_EQ(parse_regulation("2sigma"), 0.0227);
    EXPECT_DOUBLE_EQ(parse_regulation("0.25"), 0.25);
    test::expect_error([] { parse_regulation("3sigma"); }, {"3sigma"});
    test::expect_error([] { parse_regulation("1.5"); }, {"[0, 1]"});
    test::expect_error([] { parse_weight_port("c"); }, {"a or b"});
    test::expect_error([] { parse_error_model("uniform"); }, {"paper or sequence"});
}

TEST_F(Injection, SequenceModelNeedsTheStationaryTables) {
    const ProductErrors e = ProductErrors::from_tables(*tables_, WeightPort::A, false);
    test::expect_error([&] { InjectionPlan(*q_, e, ErrorModel::Sequence, 0.1); }, {"stationary"});
}

}  // namespace
}  // namespace tesa
