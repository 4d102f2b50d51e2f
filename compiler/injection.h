// injection.h -- timing errors injected into the functional INT8 engine, two seeded models.
//
// - Paper model: every multiplication w x x fails with probability regulation x P(wrong | w, x)
//   (Table II, previous pair uniform); a failing product is replaced by one of the pair's wrong
//   captured outputs, drawn with the table's counts.
// - Sequence model (weight-stationary dataflow): the multiplier holding weight w[o][k] sees the
//   activations x[k][0], x[k][1], ... in output-position order; its captured product for x[k][p]
//   is the weight-held table's entry for (w, x[k][p-1], x[k][p]), with x[k][-1] = 0 (the bubble
//   after a weight load). With probability `regulation` a multiplication's cycle is slow and the
//   captured product is used, otherwise the exact one (regulation 1: a deterministic over-clocked
//   die). A weight-distributed extra weight is another multiplier on the same activation stream.
//
// Both run as MulMode::Corrections: the engine's exact GEMM, then every product's fate is decided
// 16 at a time (lane_kernels.h: a threshold gathered by activation value against a per-lane random
// number, or a bit of the weight-held wrong-pair mask), and only failing products are revisited.
// Random streams are per image (seed, image index): results do not depend on threads.
#pragma once

#include "common/rng.h"
#include "compiler/lane_kernels.h"
#include "compiler/product_errors.h"
#include "networks/engine.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tesa {

enum class ErrorModel { Paper, Sequence };
ErrorModel parse_error_model(const std::string& s);  // "paper" or "sequence"
const char* error_model_name(ErrorModel m);

// Regulation by name: "1.5sigma" -> 0.0668, "2sigma" -> 0.0227, or a number in [0, 1].
double parse_regulation(const std::string& s);

struct InjectionStats {
    uint64_t candidates = 0;  // products examined
    uint64_t errors = 0;      // products replaced by a wrong captured value
    double expected = 0;      // paper model: sum of the failure probabilities of every product
    void add(const InjectionStats& o) {
        candidates += o.candidates;
        errors += o.errors;
        expected += o.expected;
    }
};

// Everything about (network, error model, regulation) that does not change per image: the
// multipliers (output channel, activation row) of every conv/fc layer grouped by weight value,
// and the per-pair failure thresholds. Read-only, shared by the threads' injectors.
class InjectionPlan {
public:
    InjectionPlan(const QuantizedModel& q, const ProductErrors& e, ErrorModel model, double regulation);

    using Row = lanes::Row;
    struct LayerRows {
        std::vector<uint32_t> offsets;  // 257: rows of weight pattern w are rows[offsets[w] .. offsets[w+1])
        std::vector<Row> rows;
    };

    const QuantizedModel& model() const { return *q_; }
    const ProductErrors& errors() const { return *e_; }
    ErrorModel error_model() const { return model_; }
    double regulation() const { return regulation_; }
    const LayerRows& rows(int layer) const { return rows_[static_cast<size_t>(layer)]; }
    double probability(uint32_t pair) const { return prob_[pair]; }  // regulation x P(wrong | pair)
    const uint32_t* thresholds(uint8_t w) const { return thr_.data() + (static_cast<size_t>(w) << 8); }  // by activation
    uint32_t bound(uint8_t w) const { return bound_[w]; }  // largest threshold of weight w
    bool can_fail(uint8_t w) const { return can_fail_[w]; }
    uint32_t regulation_threshold() const { return lanes::threshold(regulation_); }

private:
    const QuantizedModel* q_;
    const ProductErrors* e_;
    ErrorModel model_;
    double regulation_;
    std::vector<LayerRows> rows_;
    std::vector<double> prob_;     // 65536
    std::vector<uint32_t> thr_;    // 65536: lanes::threshold(prob_)
    std::vector<uint32_t> bound_;  // 256
    std::vector<char> can_fail_;   // 256: some activation makes weight w fail
};

// One thread's injector: the engine policy. Call start_image before each forward pass.
class Injector {
public:
    static constexpr MulMode kMode = MulMode::Corrections;
    // track_expected: also sum every product's failure probability into stats.expected (a pass
    // over all MACs; for tests and diagnostics, not for studies).
    explicit Injector(const InjectionPlan& plan, bool track_expected = false)
        : plan_(&plan), track_expected_(track_expected), hits_(static_cast<size_t>(lanes::kMaxBatch)) {}
    void start_image(uint64_t seed, uint64_t image) {
        lanes_.seed(seed, image + 1);
        rng_.reseed(seed ^ 0x5bd1e9955bd1e995ULL, image + 1);
    }
    void correct(const GemmView& v);
    InjectionStats stats;

private:
    void correct_paper(const GemmView& v);
    void correct_sequence(const GemmView& v);
    const InjectionPlan* plan_;
    bool track_expected_;
    lanes::LaneRng lanes_;  // which products fail
    Rng rng_;               // which wrong output a failing product takes
    std::vector<uint32_t> hits_;
};

struct InjectedEval {
    EvalResult result;
    InjectionStats stats;
};

// Test accuracy with errors injected; image i uses random stream (seed, i).
InjectedEval evaluate_injected(const InjectionPlan& plan, const ImageSet& set, int threads, uint64_t seed,
                               bool track_expected = false);

}  // namespace tesa
