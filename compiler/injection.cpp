// injection.cpp -- the paper and sequence error models as corrections of the exact GEMM.
#include "compiler/injection.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <thread>

namespace tesa {

ErrorModel parse_error_model(const std::string& s) {
    if (s == "paper") return ErrorModel::Paper;
    if (s == "sequence") return ErrorModel::Sequence;
    fail("error model must be paper or sequence, not '" + s + "'");
}

const char* error_model_name(ErrorModel m) { return m == ErrorModel::Paper ? "paper" : "sequence"; }

double parse_regulation(const std::string& s) {
    if (s == "1.5sigma") return 0.0668;
    if (s == "2sigma") return 0.0227;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || !(v >= 0 && v <= 1))
        fail("regulation must be 1.5sigma, 2sigma or a probability in [0, 1], not '" + s + "'");
    return v;
}

InjectionPlan::InjectionPlan(const QuantizedModel& q, const ProductErrors& e, ErrorModel model, double regulation)
    : q_(&q), e_(&e), model_(model), regulation_(regulation) {
    if (!(regulation >= 0 && regulation <= 1)) fail("regulation must be in [0, 1]");
    if (model == ErrorModel::Sequence && !e.has_stationary()) fail("the sequence model needs the weight-held (stationary) tables");
    prob_.resize(65536);
    thr_.resize(65536);
    can_fail_.assign(256, 0);
    bound_.assign(256, 0);
    for (uint32_t pair = 0; pair < 65536; ++pair) {
        prob_[pair] = regulation * e.p_wrong(pair);
        thr_[pair] = lanes::threshold(prob_[pair]);
        bound_[pair >> 8] = std::max(bound_[pair >> 8], thr_[pair]);
        if (model == ErrorModel::Paper ? thr_[pair] > 0 : regulation > 0) can_fail_[pair >> 8] = 1;
    }
    const Model& m = *q.model;
    rows_.resize(m.layers.size());
    for (size_t i = 0; i < m.layers.size(); ++i) {
        const Layer& l = m.layers[i];
        if (!l.has_weights()) continue;
        if (static_cast<int64_t>(l.out.h) * l.out.w > lanes::kMaxBatch) fail("layer " + std::to_string(i) + ": too many output positions for the injector");
        const QuantLayer& ql = q.layers[i];
        const int fan = static_cast<int>(l.fan_in());
        LayerRows& lr = rows_[i];
        lr.offsets.assign(257, 0);
        for (int8_t w : ql.weight) ++lr.offsets[static_cast<uint8_t>(w) + 1u];
        for (const ExtraWeight& x : ql.extra) ++lr.offsets[static_cast<uint8_t>(x.weight) + 1u];
        for (size_t w = 0; w < 256; ++w) lr.offsets[w + 1] += lr.offsets[w];
        lr.rows.resize(lr.offsets[256]);
        std::vector<uint32_t> fill(lr.offsets.begin(), lr.offsets.end() - 1);
        for (int o = 0; o < l.out.c; ++o)
            for (int k = 0; k < fan; ++k)
                lr.rows[fill[static_cast<uint8_t>(ql.weight[static_cast<size_t>(o) * fan + k])]++] = {o, k};
        for (const ExtraWeight& x : ql.extra) lr.rows[fill[static_cast<uint8_t>(x.weight)]++] = {x.out_channel, x.k};
    }
}

void Injector::correct(const GemmView& v) {
    if (plan_->error_model() == ErrorModel::Paper)
        correct_paper(v);
    else
        correct_sequence(v);
}

namespace {

// The rows of weight pattern w in batches that fit the hit buffer: f(rows, count).
template <class F>
void for_each_batch(const InjectionPlan::LayerRows& lr, uint32_t w, int positions, F&& f) {
    const uint32_t per_batch = static_cast<uint32_t>(std::max(1, lanes::kMaxBatch / positions));
    for (uint32_t r = lr.offsets[w]; r < lr.offsets[w + 1]; r += per_batch)
        f(lr.rows.data() + r, static_cast<int>(std::min(per_batch, lr.offsets[w + 1] - r)));
}

// Counts a kernel call's products and failures and adds delta(row, p) of every failing product.
template <class Delta>
void replace_hits(const GemmView& v, const InjectionPlan::Row* rows, int nrows, const uint32_t* hits, int n, InjectionStats& stats,
                  Delta&& delta) {
    stats.candidates += static_cast<uint64_t>(nrows) * static_cast<uint64_t>(v.positions);
    stats.errors += static_cast<uint64_t>(n);
    for (int h = 0; h < n; ++h) {
        const InjectionPlan::Row& row = rows[lanes::hit_row(hits[h])];
        const int p = lanes::hit_pos(hits[h]);
        v.acc[static_cast<size_t>(row.out_channel) * static_cast<size_t>(v.positions) + static_cast<size_t>(p)] +=
            delta(v.x + static_cast<size_t>(row.k) * static_cast<size_t>(v.positions), p);
    }
}

}  // namespace

void Injector::correct_paper(const GemmView& v) {
    const InjectionPlan::LayerRows& lr = plan_->rows(v.layer);
    const ProductErrors& e = plan_->errors();
    const int positions = v.positions;
    for (uint32_t w = 0; w < 256; ++w) {
        if (lr.offsets[w] == lr.offsets[w + 1]) continue;
        if (track_expected_)
            for (uint32_t r = lr.offsets[w]; r < lr.offsets[w + 1]; ++r)
                for (int p = 0; p < positions; ++p)
                    stats.expected += plan_->probability(w << 8 | static_cast<uint8_t>(v.x[static_cast<size_t>(lr.rows[r].k) * positions + p]));
        if (!plan_->can_fail(static_cast<uint8_t>(w))) continue;
        const uint32_t* thr = plan_->thresholds(static_cast<uint8_t>(w));
        for_each_batch(lr, w, positions, [&](const InjectionPlan::Row* rows, int nrows) {
            const int n = lanes::bernoulli_rows(v.x, positions, rows, nrows, thr, plan_->bound(static_cast<uint8_t>(w)), lanes_, rng_, hits_.data());
            replace_hits(v, rows, nrows, hits_.data(), n, stats, [&](const int8_t* xs, int p) {
                const uint32_t pair = w << 8 | static_cast<uint8_t>(xs[p]);
                return e.wrong_delta(pair, rng_.below(e.wrong_total(pair)));
            });
        });
    }
}

void Injector::correct_sequence(const GemmView& v) {
    const InjectionPlan::LayerRows& lr = plan_->rows(v.layer);
    const ProductErrors& e = plan_->errors();
    const bool always = plan_->regulation() >= 1;
    const uint32_t reg_thr = plan_->regulation_threshold();
    const int positions = v.positions;
    for (uint32_t w = 0; w < 256; ++w) {
        if (lr.offsets[w] == lr.offsets[w + 1] || !plan_->can_fail(static_cast<uint8_t>(w))) continue;
        const uint64_t* mask = e.held_mask_of(static_cast<uint8_t>(w));
        for_each_batch(lr, w, positions, [&](const InjectionPlan::Row* rows, int nrows) {
            const int n = lanes::held_rows(v.x, positions, rows, nrows, mask, always, reg_thr, lanes_, rng_, hits_.data());
            replace_hits(v, rows, nrows, hits_.data(), n, stats, [&](const int8_t* xs, int p) {
                const uint8_t prev = p == 0 ? 0 : static_cast<uint8_t>(xs[p - 1]);
                return e.held_delta(static_cast<uint8_t>(w), prev, static_cast<uint8_t>(xs[p]));
            });
        });
    }
}

InjectedEval evaluate_injected(const InjectionPlan& plan, const ImageSet& set, int threads, uint64_t seed, bool track_expected) {
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const QuantizedModel& q = plan.model();
    const Model& m = *q.model;
    std::vector<Workspace<int8_t>> ws(static_cast<size_t>(threads), Workspace<int8_t>(m));
    std::vector<std::vector<int32_t>> logits(static_cast<size_t>(threads), std::vector<int32_t>(static_cast<size_t>(m.classes())));
    std::vector<Injector> inj(static_cast<size_t>(threads), Injector(plan, track_expected));
    InjectedEval r;
    r.result = evaluate(m, set, threads, [&](int t, size_t index, const uint8_t* img) {
        Injector& in = inj[static_cast<size_t>(t)];
        in.start_image(seed, index);
        int32_t* lg = logits[static_cast<size_t>(t)].data();
        forward_int8(q, img, ws[static_cast<size_t>(t)], lg, in);
        return q.classify(lg);
    });
    for (const Injector& in : inj) r.stats.add(in.stats);
    return r;
}

}  // namespace tesa
