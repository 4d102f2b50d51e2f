// A network's layers on the systolic array: without errors the logits equal the exact engine; on
// an over-clocked die a weight-stationary array equals the compiler's sequence model (the same
// held-weight transitions, found independently); results do not depend on the thread count.
#include "sc_models/array_inference.h"

#include "compiler/injection.h"
#include "held_transitions.h"
#include "synthetic_tables.h"
#include "lenet_suite.h"
#include "test_util.h"

#include <gtest/gtest.h>

namespace tesa {
namespace {

class ArrayInference : public test::LeNetSuite<6> {
protected:
    template <class Mul>
    static std::vector<int32_t> logits(size_t image, Mul& mul) {
        Workspace<int8_t> ws(*model_);
        std::vector<int32_t> out(10);
        forward_int8(*q_, test_->image(image), ws, out.data(), mul);
        return out;
    }
};

ArrayInferenceOptions options(Dataflow d, WeightPort p, double regulation, int rows = 8, int cols = 8) {
    ArrayInferenceOptions o;
    o.rows = rows;
    o.cols = cols;
    o.dataflow = d;
    o.weight_port = p;
    o.regulation = regulation;
    return o;
}

TEST_F(ArrayInference, WithoutErrorsTheLogitsAreTheExactEngines) {
    const auto clean = test::clean_table();
    for (Dataflow d : {Dataflow::WeightStationary, Dataflow::OutputStationary}) {
        ArrayMul mul(options(d, WeightPort::A, 0.0, 7, 5), MultiplierBackend::fast(clean));
        for (size_t i = 0; i < 3; ++i) {
            ExactMul e;
            mul.start_image(i);
            EXPECT_EQ(logits(i, mul), logits(i, e)) << dataflow_name(d) << " image " << i;
        }
        EXPECT_EQ(mul.stats.busy_pe_cycles, 3 * q_->macs()) << "every MAC of the network ran on the array";
    }
}

TEST_F(ArrayInference, WeightStationaryOnAnOverclockedDieEqualsTheSequenceModel) {
    for (WeightPort port : {WeightPort::A, WeightPort::B}) {
        const ProductErrors pe = ProductErrors::from_tables(*tables_, port, true);
        const InjectionPlan plan(*q_, pe, ErrorModel::Sequence, 1.0);
        Injector seq(plan);
        ArrayMul mul(options(Dataflow::WeightStationary, port, 1.0), MultiplierBackend::fast(test::held_transitions(*tables_, port)));
        for (size_t i = 0; i < 3; ++i) {
            seq.start_image(1, i);
            mul.start_image(i);
            EXPECT_EQ(logits(i, mul), logits(i, seq)) << "port " << weight_port_name(port) << " image " << i;
        }
        EXPECT_EQ(mul.stats.wrong_products, seq.stats.errors);
        EXPECT_GT(seq.stats.errors, 0u);
    }
}

TEST_F(ArrayInference, ThreadCountDoesNotChangeTheResult) {
    auto table = test::held_transitions(*tables_, WeightPort::A);
    ArrayInferenceOptions o = options(Dataflow::OutputStationary, WeightPort::A, 0.3);
    o.threads = 1;
    const ArrayEval one = evaluate_on_array(*q_, *test_, o, [&] { return MultiplierBackend::fast(table); });
    o.threads = 2;
    const ArrayEval two = evaluate_on_array(*q_, *test_, o, [&] { return MultiplierBackend::fast(table); });
    EXPECT_EQ(one.result.correct, two.result.correct);
    EXPECT_EQ(one.stats.wrong_products, two.stats.wrong_products);
    EXPECT_EQ(one.stats.slow_cycles, two.stats.slow_cycles);
    EXPECT_GT(one.stats.wrong_products, 0u);
    EXPECT_EQ(one.stats.cycles, two.stats.cycles);
}

}  // namespace
}  // namespace tesa
