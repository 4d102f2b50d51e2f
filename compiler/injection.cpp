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
    for (uint32_t pair = 0; pair < 65536; ++pair) prob_[pair] = regulation * e.p_wrong(pair);
    bound_.assign(256, 0);
    log1m_bound_.assign(256, 0);
    for (uint32_t w = 0; w < 256; ++w) {
        double b = 0;
        for (uint32_t x = 0; x < 256; ++x) b = std::max(b, prob_[w << 8 | x]);
        bound_[w] = b;
        log1m_bound_[w] = b < 1 ? std::log1p(-b) : 0;
    }
    const Model& m = *q.model;
    rows_.resize(m.layers.size());
    for (size_t i = 0; i < m.layers.size(); ++i) {
        const Layer& l = m.layers[i];
        if (!l.has_weights()) continue;
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

void Injector::correct_paper(const GemmView& v) {
    const InjectionPlan::LayerRows& lr = plan_->rows(v.layer);
    const ProductErrors& e = plan_->errors();
    const uint64_t positions = static_cast<uint64_t>(v.positions);
    for (uint32_t w = 0; w < 256; ++w) {
        const uint32_t first = lr.offsets[w], n = lr.offsets[w + 1] - first;
        if (n == 0) continue;
        const InjectionPlan::Row* rows = lr.rows.data() + first;
        if (track_expected_)
            for (uint32_t r = 0; r < n; ++r)
                for (uint64_t p = 0; p < positions; ++p)
                    stats.expected += plan_->probability(w << 8 | static_cast<uint8_t>(v.x[static_cast<size_t>(rows[r].k) * positions + p]));
        const double bound = plan_->bound(static_cast<uint8_t>(w));
        if (bound <= 0) continue;
        const bool every = bound >= 1;
        const double lg = plan_->log1m_bound(static_cast<uint8_t>(w));
        const uint64_t length = static_cast<uint64_t>(n) * positions;
        for (uint64_t t = every ? 0 : rng_.geometric(lg); t < length;) {
            const InjectionPlan::Row& row = rows[t / positions];
            const uint64_t p = t % positions;
            const uint32_t pair = w << 8 | static_cast<uint8_t>(v.x[static_cast<size_t>(row.k) * positions + p]);
            const double q = plan_->probability(pair);
            ++stats.candidates;
            if (q > 0 && (q >= bound || rng_.uniform() * bound < q)) {
                const uint32_t r = rng_.below(e.wrong_total(pair));
                v.acc[static_cast<size_t>(row.out_channel) * positions + p] += e.wrong_delta(pair, r);
                ++stats.errors;
            }
            const uint64_t gap = every ? 0 : rng_.geometric(lg);
            if (gap >= length - t) break;
            t += 1 + gap;
        }
    }
}

void Injector::correct_sequence(const GemmView& v) {
    const InjectionPlan::LayerRows& lr = plan_->rows(v.layer);
    const ProductErrors& e = plan_->errors();
    const double reg = plan_->regulation();
    if (reg <= 0) return;
    const size_t positions = static_cast<size_t>(v.positions);
    for (uint32_t w = 0; w < 256; ++w) {
        const uint64_t* mask = e.held_mask_of(static_cast<uint8_t>(w));
        for (uint32_t r = lr.offsets[w]; r < lr.offsets[w + 1]; ++r) {
            const InjectionPlan::Row& row = lr.rows[r];
            const uint8_t* xs = reinterpret_cast<const uint8_t*>(v.x) + static_cast<size_t>(row.k) * positions;
            int32_t* acc = v.acc + static_cast<size_t>(row.out_channel) * positions;
            uint32_t prev = 0;
            for (size_t p = 0; p < positions; ++p) {
                const uint32_t i = prev << 8 | xs[p];
                prev = xs[p];
                if (!((mask[i >> 6] >> (i & 63)) & 1)) continue;
                ++stats.candidates;
                if (reg >= 1 || rng_.uniform() < reg) {
                    acc[p] += e.held_delta(static_cast<uint8_t>(w), static_cast<uint8_t>(i >> 8), xs[p]);
                    ++stats.errors;
                }
            }
        }
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
    r.result = evaluate(set, threads, [&](int t, size_t index, const uint8_t* img) {
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
