// Glitch activity of the timed multiplier (power/glitch_activity.h) and its power by OpenSTA on
// the combinational multiplier netlist (no clock port of its own).
#include "power/glitch_activity.h"

#include "power/sta_power.h"
#include "test_util.h"
#include "timing/timing_test_util.h"

#include <gtest/gtest.h>

#include <random>

namespace tesa {
namespace {

TimedNetlist timed8(double scale = 1.0) {
    const auto& tb = test::timed_booth(8);
    TimingConditions c;
    c.clock_period_ps = tb.setup.sta.min_period_ps;
    c.cond = CondMode::Exact;
    c.delay_scale = scale;
    return TimedNetlist::build(*tb.setup.netlist, *tb.setup.sdf, c);
}

// Random INT8 operand changes (a new pair every period, as a busy PE's stream of activations).
void feed(GlitchCounter& g, int periods, uint64_t seed) {
    std::mt19937 rng(static_cast<uint32_t>(seed));
    uint32_t a = 0, b = 0;
    for (int k = 0; k < periods; ++k) {
        const uint32_t na = rng() & 0xff, nb = rng() & 0xff;
        g.add(a, b, na, nb);
        a = na, b = nb;
    }
}

uint64_t sum(const std::vector<uint64_t>& v) {
    uint64_t s = 0;
    for (uint64_t x : v) s += x;
    return s;
}

// Every net passes through its zero-delay change plus pairs of glitch transitions; the Booth
// multiplier's unequal paths make many of them (the zero-delay count is no upper bound).
TEST(GlitchCounter, TimedTransitionsAreTheZeroDelayTogglePlusPairsOfGlitches) {
    const TimedNetlist t = timed8();
    GlitchCounter g(t);
    feed(g, test::sanitized_share(2000), 7);
    const SwitchingActivity timed = g.timed(), zero = g.zero_delay();
    ASSERT_EQ(timed.periods, zero.periods);
    for (size_t net = 0; net < timed.toggles.size(); ++net) {
        EXPECT_GE(timed.toggles[net], zero.toggles[net]) << t.net_name(static_cast<int>(net));
        EXPECT_EQ((timed.toggles[net] - zero.toggles[net]) % 2, 0u) << t.net_name(static_cast<int>(net));
        EXPECT_LE(zero.toggles[net], timed.periods) << t.net_name(static_cast<int>(net));
    }
    EXPECT_GT(sum(timed.toggles), sum(zero.toggles) + sum(zero.toggles) / 10);
    // Operand nets are driven by flip-flops: no glitch there.
    for (int i = 0; i < t.width(); ++i)
        EXPECT_EQ(timed.toggles[static_cast<size_t>(t.a_bits()[static_cast<size_t>(i)])], zero.toggles[static_cast<size_t>(t.a_bits()[static_cast<size_t>(i)])]);
}

TEST(GlitchCounter, ZeroDelayTogglesAndDutiesAreThoseOfTheSettledValues) {
    const TimedNetlist t = timed8();
    GlitchCounter g(t, 2);
    g.add(0, 0, 0x35, 0x9c, 1);
    g.add(0x35, 0x9c, 0x35, 0x9c, 1);  // no change: a period, no transition
    g.add(0x35, 0x9c, 0x01, 0x02, 0);
    std::vector<uint8_t> v0, v1, v2;
    t.settle(0, 0, v0), t.settle(0x35, 0x9c, v1), t.settle(0x01, 0x02, v2);
    const SwitchingActivity busy = g.zero_delay(1), idle = g.zero_delay(0), busy_timed = g.timed(1);
    EXPECT_EQ(busy.periods, 2u);
    EXPECT_EQ(idle.periods, 1u);
    for (size_t net = 0; net < v0.size(); ++net) {
        EXPECT_EQ(busy.toggles[net], v0[net] != v1[net] ? 1u : 0u);
        EXPECT_EQ(idle.toggles[net], v1[net] != v2[net] ? 1u : 0u);
        EXPECT_EQ(busy.high[net], 2u * v1[net]);
        EXPECT_EQ(busy_timed.high[net], busy.high[net]);
        EXPECT_EQ(idle.high[net], v2[net]);
    }
    EXPECT_EQ(g.simulated(), 2u);  // the unchanged pair runs nothing
    const SwitchingActivity idle_timed = g.timed(0);
    g.add(0, 0, 0x35, 0x9c, 0);
    EXPECT_EQ(g.simulated(), 2u);  // memoized: the same counts as the first time
    const SwitchingActivity again = g.timed(0);
    for (size_t net = 0; net < v0.size(); ++net) EXPECT_EQ(again.toggles[net], idle_timed.toggles[net] + busy_timed.toggles[net]);
    test::expect_error([&] { g.add(0, 0, 1, 1, 2); }, {"bucket 2"});
}

// One factor on every delay (a supply on the delay model's line) keeps the order of all events.
TEST(GlitchCounter, ScalingEveryDelayKeepsEveryCount) {
    const TimedNetlist t1 = timed8(1.0), t2 = timed8(2.0);
    GlitchCounter g1(t1), g2(t2);
    feed(g1, 300, 3), feed(g2, 300, 3);
    EXPECT_EQ(g1.timed().toggles, g2.timed().toggles);
}

// OpenSTA prices the combinational multiplier (the bench's registers have the clock): glitches
// add dynamic power, leakage follows the duties, which they leave alone.
TEST(GlitchCounter, GlitchesAddDynamicPowerInOpenSta) {
    const auto& tb = test::timed_booth(8);
    const TimedNetlist t = timed8();
    GlitchCounter g(t);
    feed(g, test::sanitized_share(1000), 11);
    const test::TempDir dir;
    StaPowerOptions o;
    o.netlist = std::string(TESA_TEST_SYNTH_DIR) + "/booth_mul_w8_typ/netlist.v";
    o.liberty = TESA_TEST_LIBERTY;
    o.clock_period_ps = 1250;
    o.work_dir = dir.path / "zero";
    const StaPowerResult zero = sta_power(o, *tb.setup.netlist, g.zero_delay());
    o.work_dir = dir.path / "timed";
    const StaPowerResult timed = sta_power(o, *tb.setup.netlist, g.timed());
    EXPECT_LT(zero.max_rate_error, 2e-3) << zero.worst_pin;
    EXPECT_LT(timed.max_rate_error, 2e-3) << timed.worst_pin;
    EXPECT_GT(timed.power.switching, 1.1 * zero.power.switching);
    EXPECT_GT(timed.power.internal, 1.1 * zero.power.internal);
    EXPECT_NEAR(timed.power.leakage, zero.power.leakage, 1e-3 * zero.power.leakage);
}

}  // namespace
}  // namespace tesa
