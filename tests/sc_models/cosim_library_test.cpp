// On-demand co-simulation models (sc_models/cosim_library.h) at a clock no model is compiled in
// for: the Verilated delay-line model and the sdf-sim and transport lane programs capture exactly what the
// event-driven reference captures in the same semantics; the build is cached.
#include "sc_models/cosim_library.h"

#include "test_util.h"
#include "timing/error_rate.h"
#include "timing/event_simulator.h"
#include "timing/timing_test_util.h"

#include <gtest/gtest.h>

#include <chrono>

using namespace tesa;

namespace {

constexpr double kScale = 0.85;  // not among cosim_models()

TimedNetlist timed_at(double scale, Semantics s) {
    const auto& tb = tesa::test::timed_booth(8);
    TimingConditions c;
    c.clock_period_ps = scale * tb.setup.sta.min_period_ps;
    c.time_step_ps = 10;
    c.cond = cond_mode_of(s);
    return TimedNetlist::build(*tb.setup.netlist, *tb.setup.sdf, c);
}

CosimBuildOptions options(const std::string& name) {
    CosimBuildOptions o;
    o.dir = std::filesystem::path(TESA_TEST_CACHE_DIR) / name;
    o.wrapper = std::string(TESA_SOURCE_DIR) + "/sc_models/cosim_wrapper.cpp";
    o.compile_lanes = false;  // the compiled program equals the interpreter (lane_model_test)
    return o;
}

// Captures of `model` and of the reference on the same random transitions: mismatches, wrong products.
std::pair<long, long> compare(const CosimModel& m, const TimedNetlist& tn, DelayMode mode, long samples) {
    auto& model = const_cast<CosimModel&>(m);
    EventSimulator sim(tn, mode);
    const std::vector<Transition> ts = random_transitions(8, samples, 7);
    long mismatch = 0, wrong = 0;
    for (size_t i = 0; i < ts.size(); i += 64) {
        const int n = static_cast<int>(std::min<size_t>(64, ts.size() - i));
        MulTransition batch[64];
        uint16_t got[64];
        for (int l = 0; l < n; ++l) {
            const Transition& t = ts[i + static_cast<size_t>(l)];
            batch[l] = {static_cast<uint16_t>(t.a_prev | t.b_prev << 8), static_cast<uint16_t>(t.a | t.b << 8)};
        }
        model.evaluate64(batch, n, got);
        for (int l = 0; l < n; ++l) {
            const Transition& t = ts[i + static_cast<size_t>(l)];
            const uint32_t want = sim.capture(t.a_prev, t.b_prev, t.a, t.b);
            mismatch += got[l] != want;
            wrong += want != tn.product(t.a, t.b);
        }
    }
    return {mismatch, wrong};
}

TEST(CosimLibrary, VerilatedDelayLineModelAtANewClockEqualsTheReference) {
    const TimedNetlist tn = timed_at(kScale, Semantics::DelayLine);
    const auto& tb = tesa::test::timed_booth(8);
    const CosimModels models = CosimModels::build(tn, *tb.setup.netlist, Semantics::DelayLine, options("cosim-delay-line-085"));
    EXPECT_NE(models.description().find("Verilated"), std::string::npos) << models.description();
    const auto [mismatch, wrong] = compare(*models.make(), tn, DelayMode::DelayLine, tesa::test::kSanitized ? 1000 : 4000);
    EXPECT_EQ(mismatch, 0);
    EXPECT_GT(wrong, 0) << "clock scale 0.85 fails some products";
    // Built again: found in the cache, not rebuilt.
    const auto t0 = std::chrono::steady_clock::now();
    const CosimModels again = CosimModels::build(tn, *tb.setup.netlist, Semantics::DelayLine, options("cosim-delay-line-085"));
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 20.0) << "a cached build is a lookup";
    EXPECT_EQ(compare(*again.make(), tn, DelayMode::DelayLine, 256).first, 0);
}

TEST(CosimLibrary, SdfSimLaneProgramEqualsTheReference) {
    // No sdf-sim model is compiled in at any clock; 0.8 fails enough products to sample them.
    const TimedNetlist tn = timed_at(0.8, Semantics::SdfSim);
    const auto& tb = tesa::test::timed_booth(8);
    const CosimModels models = CosimModels::build(tn, *tb.setup.netlist, Semantics::SdfSim, options("cosim-sdf-sim-080"));
    const auto [mismatch, wrong] = compare(*models.make(), tn, DelayMode::SdfSim, tesa::test::kSanitized ? 2000 : 4000);
    EXPECT_EQ(mismatch, 0);
    EXPECT_GT(wrong, 5) << "clock scale 0.8 fails about 0.8% of products in sdf-sim";
}

TEST(CosimLibrary, TransportLaneProgramEqualsTheReference) {
    const auto& tb = tesa::test::timed_booth(8);
    const TimedNetlist tn = timed_at(kScale, Semantics::Transport);
    const CosimModels models = CosimModels::build(tn, *tb.setup.netlist, Semantics::Transport, options("cosim-transport-085"));
    EXPECT_NE(models.description().find("transport lane program"), std::string::npos) << models.description();
    const auto [mismatch, wrong] = compare(*models.make(), tn, DelayMode::Transport, tesa::test::kSanitized ? 1000 : 4000);
    EXPECT_EQ(mismatch, 0);
    EXPECT_GT(wrong, 5) << "clock scale 0.85 fails about 2% of products in transport";
}

TEST(CosimLibrary, SemanticsAndWidthAreChecked) {
    const auto& tb = tesa::test::timed_booth(8);
    const TimedNetlist dl = timed_at(kScale, Semantics::DelayLine);
    tesa::test::expect_error([&] { CosimModels::build(dl, *tb.setup.netlist, Semantics::SdfSim, options("x")); },
                             {"not built for the sdf-sim semantics"});
}

}  // namespace
