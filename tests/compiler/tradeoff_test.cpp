// tradeoff_test.cpp -- the accuracy-energy trade-off over operating points (compiler/tradeoff.h)
// on the trained LeNet-5/MNIST with synthetic error tables and a made-up energy price.
#include "compiler/tradeoff.h"
#include "lenet_suite.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace tesa {
namespace {

using Tradeoff = test::LeNetSuite<200>;

// A price that depends on the point and on the network's MACs, so the test sees which network and
// which point each row was priced with.
double joules(const TradeoffPoint& p, size_t macs) { return p.volts * p.volts * static_cast<double>(macs) * 1e-3 + p.clock_ps; }
InferenceCost price(const TradeoffPoint& p, const QuantizedModel& q) { return {joules(p, q.macs()), q.macs() / 7}; }

StudyOptions options() {
    StudyOptions o;
    o.regulations = {"1.5sigma", "2sigma"};
    o.seeds = 2;
    o.threads = 2;
    return o;
}

TEST_F(Tradeoff, RegulatedRowsAreThePapersStudyAndEveryRowIsPricedWithItsOwnNetwork) {
    const ErrorTables other = test::synthetic_tables(7);
    std::vector<TradeoffPoint> points(2);
    points[0] = {1.10, 1000, 0.85, 1.0, tables_, {}};
    points[1] = {1.05, 1000, 0.85, 1.35, &other, {}};
    const StudyOptions o = options();
    const std::vector<TradeoffRow> rows = run_tradeoff(*q_, points, *test_, o, price);
    ASSERT_EQ(rows.size(), 2u * 2u * 4u);  // points x regulations x (baseline + 3 variants)

    for (size_t pi = 0; pi < 2; ++pi) {
        const std::vector<StudyRow> study = run_study(*q_, {points[pi].nominal}, *test_, o);
        ASSERT_EQ(study.size(), 2u);
        for (const StudyRow& s : study) {
            const auto find = [&](const char* variant) {
                const auto it = std::find_if(rows.begin(), rows.end(), [&](const TradeoffRow& r) {
                    return r.point == pi && r.regulation == s.regulation_name && r.variant == variant;
                });
                EXPECT_NE(it, rows.end()) << variant;
                return *it;
            };
            EXPECT_DOUBLE_EQ(find("baseline").accuracy, s.baseline);
            EXPECT_DOUBLE_EQ(find("TError").accuracy, s.terror.mean);
            EXPECT_DOUBLE_EQ(find("TError").sd, s.terror.sd);
            EXPECT_DOUBLE_EQ(find("WD+EAQ").accuracy, s.wd_eaq.mean);
            EXPECT_DOUBLE_EQ(find("EAQ").accuracy, s.eaq.mean);
            EXPECT_EQ(find("WD+EAQ").macs, s.macs_wd);
            EXPECT_EQ(find("EAQ").macs, s.macs);
            EXPECT_EQ(find("TError").runs, 2);
        }
    }
    const double reference = price(points[0], *q_).energy_pj;
    for (const TradeoffRow& r : rows) {
        const TradeoffPoint& p = points[r.point];
        // WD+EAQ has extra MACs; the others run the nearest-rounded network's MAC count.
        const double e = joules(p, r.macs);
        EXPECT_DOUBLE_EQ(r.energy_pj, e) << r.variant << " at point " << r.point;
        EXPECT_EQ(r.cycles, r.macs / 7);
        EXPECT_DOUBLE_EQ(r.latency_us(), static_cast<double>(r.macs / 7) * p.clock_ps * 1e-6);
        EXPECT_NEAR(r.ci95, 1.96 * std::sqrt(r.accuracy * (1 - r.accuracy) / 200), 1e-12);
        EXPECT_NEAR(r.saved, 1 - e / reference, 1e-12);
        EXPECT_NEAR(r.loss_points, 100 * (rows[0].accuracy - r.accuracy), 1e-9);
        EXPECT_EQ(r.volts, p.volts);
        EXPECT_DOUBLE_EQ(r.error_rate, p.nominal->error_rate());
    }
}

TEST_F(Tradeoff, UnregulatedRowsUseEveryDiesTablesAtRegulationOne) {
    const ErrorTables die1 = test::synthetic_tables(11), die2 = test::synthetic_tables(12);
    std::vector<TradeoffPoint> points(1);
    points[0] = {1.10, 1000, 0.85, 1.0, tables_, {&die1, &die2}};
    StudyOptions o = options();
    o.regulations.clear();
    o.seeds = 1;
    const std::vector<TradeoffRow> rows = run_tradeoff(*q_, points, *test_, o, price);
    ASSERT_EQ(rows.size(), 4u);
    StudyOptions one = o;
    one.regulations = {"1"};
    std::vector<double> terror;
    for (const ErrorTables* t : {&die1, &die2}) terror.push_back(run_study(*q_, {t}, *test_, one)[0].terror.mean);
    const TradeoffRow& r = rows[1];
    ASSERT_EQ(r.variant, "TError");
    EXPECT_EQ(r.regulation, "none");
    EXPECT_EQ(r.dies, 2);
    EXPECT_EQ(r.runs, 2);
    EXPECT_DOUBLE_EQ(r.accuracy, (terror[0] + terror[1]) / 2);
    EXPECT_DOUBLE_EQ(r.min, std::min(terror[0], terror[1]));
    EXPECT_DOUBLE_EQ(r.max, std::max(terror[0], terror[1]));
    EXPECT_DOUBLE_EQ(r.error_rate, (die1.error_rate() + die2.error_rate()) / 2);
    // Every product's cycle slow: far more loss than 1.5 sigma's 6.7% of cycles.
    EXPECT_LT(r.accuracy, rows[0].accuracy);
}

// With an ArrayAccuracy callback every variant also gets rows "errors from array": the callback
// runs each variant's own network on every table (nominal die when regulated, each die at
// regulation 1 without), for every seed; the injection's rows stay as they were.
TEST_F(Tradeoff, ArrayRowsComeFromTheCallbackForEveryVariantTableAndSeed) {
    const ErrorTables die1 = test::synthetic_tables(11), die2 = test::synthetic_tables(12);
    std::vector<TradeoffPoint> points(1);
    points[0] = {1.10, 1000, 0.85, 1.0, tables_, {&die1, &die2}};
    StudyOptions o = options();
    o.regulations = {"1.5sigma"};
    struct Call {
        const ErrorTables* t;
        double regulation;
        uint64_t seed;
        size_t macs;
    };
    std::vector<Call> calls;
    const ArrayAccuracy array = [&](const QuantizedModel& q, const ErrorTables& t, double regulation, uint64_t seed) {
        calls.push_back({&t, regulation, seed, q.macs()});
        return 0.5 + 0.01 * static_cast<double>(seed) + (&t == &die2 ? 0.1 : 0.0) + (q.macs() != q_->macs() ? 0.2 : 0.0);
    };
    const std::vector<TradeoffRow> plain = run_tradeoff(*q_, points, *test_, o, price);
    const std::vector<TradeoffRow> rows = run_tradeoff(*q_, points, *test_, o, price, nullptr, array);
    ASSERT_EQ(rows.size(), 2u * 7u);  // modes x (baseline + 3 injected + 3 on the array)
    ASSERT_EQ(calls.size(), 3u * 2u + 3u * 2u * 2u);  // variants x seeds x (nominal; two dies)
    for (const Call& c : calls) {
        if (c.t == tables_) EXPECT_DOUBLE_EQ(c.regulation, parse_regulation("1.5sigma"));
        else EXPECT_EQ(c.regulation, 1.0);
        EXPECT_TRUE(c.seed == 1 || c.seed == 2);
    }
    size_t injected = 0;
    for (const TradeoffRow& r : rows) {
        if (r.variant == "baseline") {
            EXPECT_EQ(r.errors, "none");
            continue;
        }
        if (r.errors == "paper") {  // the same as without the callback
            const auto it = std::find_if(plain.begin(), plain.end(), [&](const TradeoffRow& x) {
                return x.regulation == r.regulation && x.variant == r.variant && x.errors == "paper";
            });
            ASSERT_NE(it, plain.end());
            EXPECT_DOUBLE_EQ(r.accuracy, it->accuracy);
            ++injected;
            continue;
        }
        ASSERT_EQ(r.errors, "array");
        const double wd = r.variant == "WD+EAQ" ? 0.2 : 0.0;
        if (r.dies == 0) {
            EXPECT_EQ(r.runs, 2);
            EXPECT_NEAR(r.accuracy, 0.515 + wd, 1e-12) << r.variant;
        } else {
            EXPECT_EQ(r.runs, 4);
            EXPECT_NEAR(r.accuracy, 0.565 + wd, 1e-12) << r.variant;
            EXPECT_NEAR(r.max, 0.62 + wd, 1e-12);
        }
    }
    EXPECT_EQ(injected, 6u);
    const std::vector<TradeoffHeadline> h = tradeoff_headlines(rows);
    EXPECT_EQ(h.size(), 4u);  // (1.5 sigma, no regulation) x (paper, array)
}

TEST(TradeoffHeadlines, TheLargestSavingWithinOnePointWithoutAndWithMitigation) {
    const auto row = [](const char* variant, double saved, double loss) {
        TradeoffRow r;
        r.regulation = "1.5sigma";
        r.variant = variant;
        r.saved = saved;
        r.loss_points = loss;
        return r;
    };
    const std::vector<TradeoffRow> rows = {row("baseline", 0.5, 0), row("TError", 0.05, 0.2), row("TError", 0.10, 0.9), row("TError", 0.20, 3),
                                           row("EAQ", 0.10, 0.1), row("WD+EAQ", 0.15, 1.0), row("EAQ", 0.15, 0.4), row("EAQ", 0.25, 1.5)};
    const std::vector<TradeoffHeadline> h = tradeoff_headlines(rows);
    ASSERT_EQ(h.size(), 1u);
    ASSERT_TRUE(h[0].found_plain);
    ASSERT_TRUE(h[0].found_mitigated);
    EXPECT_DOUBLE_EQ(h[0].plain.saved, 0.10);
    EXPECT_EQ(h[0].mitigated.variant, "EAQ") << "equal savings: the smaller loss";
    EXPECT_DOUBLE_EQ(h[0].mitigated.saved, 0.15);
    EXPECT_DOUBLE_EQ(h[0].mitigated.loss_points, 0.4);
    const std::vector<TradeoffHeadline> none = tradeoff_headlines({row("TError", 0.2, 3)});
    ASSERT_EQ(none.size(), 1u);
    EXPECT_FALSE(none[0].found_plain);
    EXPECT_FALSE(none[0].found_mitigated);
    const std::string md = tradeoff_markdown(rows, h, "t");
    EXPECT_NE(md.find("without mitigation 10.0% energy saved"), std::string::npos) << md;
    EXPECT_NE(tradeoff_markdown({}, none, "t").find("no point qualifies"), std::string::npos);
    const std::string csv = tradeoff_csv(rows, "net");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + static_cast<long>(rows.size()));
}

TEST_F(Tradeoff, BadInputIsRefused) {
    const StudyOptions o = options();
    EXPECT_THROW(run_tradeoff(*q_, {}, *test_, o, price), Error);
    std::vector<TradeoffPoint> p(1);
    EXPECT_THROW(run_tradeoff(*q_, p, *test_, o, price), Error);  // no tables
    p[0].nominal = tables_;
    StudyOptions bad = o;
    bad.regulations = {"3sigma"};
    EXPECT_THROW(run_tradeoff(*q_, p, *test_, bad, price), Error);
}

}  // namespace
}  // namespace tesa
