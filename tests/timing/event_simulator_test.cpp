// EventSimulator: the exact timed reference. A hand-made circuit pins down transport, inertial
// and COND semantics; the Booth multiplier checks correctness without violation, failures under
// a short clock, and determinism.
#include "timing/event_simulator.h"

#include "common/error.h"
#include "timing_test_util.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

using namespace tesa;

namespace {

// p[0] = a XOR buf(a): a toggling makes a pulse as wide as the buffer delay (10 ps) behind the
// XOR's 40 ps arc. p[1] = a AND b. Registers launch at 100 ps; setup 5 ps.
const char* kGlitchNetlist =
    "module booth_mul(a, b, p);\n"
    "  input [0:0] a;\n  input [0:0] b;\n  output [1:0] p;\n  wire n1;\n"
    "  BUF_X1 u_buf (.A(a[0]), .Z(n1));\n"
    "  XOR2_X1 u_x (.A(a[0]), .B(n1), .Z(p[0]));\n"
    "  AND2_X1 u_and (.A1(a[0]), .A2(b[0]), .ZN(p[1]));\n"
    "endmodule\n";

std::string glitch_sdf(const std::string& xor_a_arcs,
                       const std::string& and_arcs = "(IOPATH A1 ZN (30) (30)) (IOPATH A2 ZN (30) (30))") {
    std::string regs;
    for (const char* r : {"ra_0", "rb_0"})
        regs += std::string(" (CELL (CELLTYPE \"DFF_X1\") (INSTANCE ") + r +
                ") (DELAY (ABSOLUTE (IOPATH CK Q (100) (100)))))\n";
    for (const char* r : {"rp_0", "rp_1"})
        regs += std::string(" (CELL (CELLTYPE \"DFF_X1\") (INSTANCE ") + r +
                ") (TIMINGCHECK (SETUP (posedge D) (posedge CK) (5)) (SETUP (negedge D) (posedge CK) (5))))\n";
    return "(DELAYFILE (SDFVERSION \"3.0\") (DESIGN \"booth_mul_pe\") (TIMESCALE 1ps) (DIVIDER /)\n" + regs +
           " (CELL (CELLTYPE \"BUF_X1\") (INSTANCE u_mul/u_buf) (DELAY (ABSOLUTE (IOPATH A Z (10) (10)))))\n"
           " (CELL (CELLTYPE \"XOR2_X1\") (INSTANCE u_mul/u_x) (DELAY (ABSOLUTE " + xor_a_arcs +
           " (IOPATH B Z (40) (40)))))\n"
           " (CELL (CELLTYPE \"AND2_X1\") (INSTANCE u_mul/u_and) (DELAY (ABSOLUTE " + and_arcs + ")))\n"
           ")\n";
}

struct Glitch {
    LibertyLibrary lib = LibertyLibrary::read(TESA_TEST_LIBERTY);
    GateNetlist net = GateNetlist::parse(kGlitchNetlist, "glitch.v", lib);
    SdfFile sdf;
    explicit Glitch(const std::string& arcs, const std::string& and_arcs = "(IOPATH A1 ZN (30) (30)) (IOPATH A2 ZN (30) (30))")
        : sdf(SdfFile::parse(glitch_sdf(arcs, and_arcs), "glitch.sdf")) {}
    uint32_t capture(double period, DelayMode mode, CondMode cond = CondMode::Max, uint32_t b = 0) {
        TimingConditions c;
        c.clock_period_ps = period;
        c.cond = cond;
        TimedNetlist t = TimedNetlist::build(net, sdf, c);
        EventSimulator sim(t, mode);
        return sim.capture(0, 0, 1, b);  // a (and b): 0 -> 1 at 100 ps
    }
};

TEST(EventSimulator, TransportKeepsANarrowPulseInertialSwallowsIt) {
    Glitch g("(IOPATH A Z (40) (40))");
    // XOR output: rises at 140 (A arc), falls at 150 (B arc, buffer at 110). Capture limit T - 5.
    EXPECT_EQ(g.capture(150, DelayMode::Transport) & 1u, 1u) << "pulse [140,150) seen at 145";
    EXPECT_EQ(g.capture(150, DelayMode::Inertial) & 1u, 0u) << "10 ps pulse behind a 40 ps arc is filtered";
    EXPECT_EQ(g.capture(144, DelayMode::Transport) & 1u, 0u) << "capture at 139: before the pulse";
    EXPECT_EQ(g.capture(200, DelayMode::Transport) & 1u, 0u) << "settled";
}

TEST(EventSimulator, CondModeExactPicksTheDelayOfTheStateAtTheInputChange) {
    // A -> Z is 40 ps while B = 0 and 70 ps while B = 1. When A rises, B is still 0.
    Glitch g("(COND (B == 1'b0) (IOPATH A Z (40) (40))) (COND (B == 1'b1) (IOPATH A Z (70) (70)))");
    EXPECT_EQ(g.capture(150, DelayMode::Transport, CondMode::Exact) & 1u, 1u) << "40 ps arc: pulse at 140";
    // Max over conditions: the rise is due at 170, after the fall due at 150 has replaced it.
    EXPECT_EQ(g.capture(150, DelayMode::Transport, CondMode::Max) & 1u, 0u);
    EXPECT_EQ(g.capture(180, DelayMode::Transport, CondMode::Max) & 1u, 0u);
}

TEST(EventSimulator, SdfSimRejectsAPulseNarrowerThanThePathDelay) {
    Glitch g("(IOPATH A Z (40) (40))");
    // F of the XOR is 1 during [100, 110): the rise due at 140 is cancelled when F falls at 110.
    EXPECT_EQ(g.capture(150, DelayMode::SdfSim, CondMode::Exact) & 1u, 0u);
    EXPECT_EQ(g.capture(150, DelayMode::Transport, CondMode::Exact) & 1u, 1u);
}

TEST(EventSimulator, SdfSimTakesTheShortestPathOfSimultaneousInputChanges) {
    // a and b rise together at 100 ps: IEEE 1364 14.3.3 selects the shortest of the two paths (30 ps).
    Glitch g("(IOPATH A Z (40) (40))", "(IOPATH A1 ZN (30) (30)) (IOPATH A2 ZN (60) (60))");
    EXPECT_EQ((g.capture(140, DelayMode::SdfSim, CondMode::Exact, 1) >> 1) & 1u, 1u) << "AND rises at 130";
    EXPECT_EQ((g.capture(130, DelayMode::SdfSim, CondMode::Exact, 1) >> 1) & 1u, 0u) << "not before 130";
}

TEST(EventSimulator, SdfSimEvaluatesTheConditionOnTheOtherInputsNow) {
    Glitch g("(IOPATH A Z (40) (40))",
             "(COND (A2 == 1'b1) (IOPATH A1 ZN (30) (30))) (COND (A2 == 1'b0) (IOPATH A1 ZN (90) (90))) "
             "(IOPATH A2 ZN (60) (60))");
    // Simultaneous rise: A1's enabled entry is the A2 == 1 one (A2 is already 1 at the instant): 30 ps.
    EXPECT_EQ((g.capture(140, DelayMode::SdfSim, CondMode::Exact, 1) >> 1) & 1u, 1u);
    EXPECT_THROW(EventSimulator(TimedNetlist::build(g.net, g.sdf, TimingConditions{200}), DelayMode::SdfSim), Error)
        << "sdf-sim needs the COND entries";
}

TEST(EventSimulator, VcdShowsThePulse) {
    Glitch g("(IOPATH A Z (40) (40))");
    TimingConditions c;
    c.clock_period_ps = 300;
    TimedNetlist t = TimedNetlist::build(g.net, g.sdf, c);
    EventSimulator sim(t, DelayMode::Transport);
    sim.record(true);
    sim.settle_time(0, 0, 1, 0);
    std::ostringstream vcd;
    sim.write_vcd(vcd, 0, 0, 1, 0);
    const std::string s = vcd.str();
    EXPECT_NE(s.find("$timescale 1fs $end"), std::string::npos);
    EXPECT_NE(s.find("p[0]"), std::string::npos);
    EXPECT_NE(s.find("#140000\n"), std::string::npos);
    EXPECT_NE(s.find("#150000\n"), std::string::npos);
}

TimingConditions safe_clock(const TimedNetlist& probe) {
    double setup = 0;
    for (int j = 0; j < 2 * probe.width(); ++j)
        setup = std::max<double>(setup, probe.conditions().clock_period_ps - std::min(probe.capture_limit(j).rise, probe.capture_limit(j).fall));
    TimingConditions c = probe.conditions();
    c.clock_period_ps = probe.static_arrival_ps() + setup + 1.0;
    return c;
}

class BoothNoViolation : public ::testing::TestWithParam<std::tuple<DelayMode, CondMode>> {};

TEST_P(BoothNoViolation, FourBitExhaustiveTransitionsAllCorrect) {
    const auto& tb = tesa::test::timed_booth(4);
    TimingConditions c;
    c.cond = std::get<1>(GetParam());
    c.clock_period_ps = tb.setup.sta.min_period_ps;
    TimedNetlist probe = TimedNetlist::build(*tb.setup.netlist, *tb.setup.sdf, c);
    TimedNetlist t = TimedNetlist::build(*tb.setup.netlist, *tb.setup.sdf, safe_clock(probe));
    EventSimulator sim(t, std::get<0>(GetParam()));
    long wrong = 0;
    for (uint32_t x = 0; x < (1u << 16); ++x) {
        uint32_t ap = x & 15, bp = (x >> 4) & 15, a = (x >> 8) & 15, b = (x >> 12) & 15;
        int sa = static_cast<int>(a) - (a & 8 ? 16 : 0), sb = static_cast<int>(b) - (b & 8 ? 16 : 0);
        wrong += sim.capture(ap, bp, a, b) != (static_cast<uint32_t>(sa * sb) & 0xffu);
    }
    EXPECT_EQ(wrong, 0);
}

TEST_P(BoothNoViolation, EightBitSampleAllCorrect) {
    const auto& tb = tesa::test::timed_booth(8);
    TimingConditions c;
    c.cond = std::get<1>(GetParam());
    c.clock_period_ps = tb.setup.sta.min_period_ps;
    TimedNetlist probe = TimedNetlist::build(*tb.setup.netlist, *tb.setup.sdf, c);
    TimedNetlist t = TimedNetlist::build(*tb.setup.netlist, *tb.setup.sdf, safe_clock(probe));
    EventSimulator sim(t, std::get<0>(GetParam()));
    std::mt19937_64 rng(7);
    long wrong = 0;
    for (int i = 0; i < 3000; ++i) {
        uint64_t r = rng();
        uint32_t a = (r >> 16) & 255, b = (r >> 24) & 255;
        wrong += sim.capture(r & 255, (r >> 8) & 255, a, b) !=
                 (static_cast<uint32_t>(static_cast<int8_t>(a) * static_cast<int8_t>(b)) & 0xffffu);
    }
    EXPECT_EQ(wrong, 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, BoothNoViolation,
                         ::testing::Combine(::testing::Values(DelayMode::Transport, DelayMode::Inertial),
                                            ::testing::Values(CondMode::Max, CondMode::Exact)));
INSTANTIATE_TEST_SUITE_P(SdfSim, BoothNoViolation,
                         ::testing::Combine(::testing::Values(DelayMode::SdfSim, DelayMode::IcarusModpath),
                                            ::testing::Values(CondMode::Exact)));

// At OpenSTA's own min period, the state-dependent (COND exact) delays OpenSTA wrote never break a
// product: the simulation sees no path longer than STA's critical path.
class BoothAtStaPeriod : public ::testing::TestWithParam<DelayMode> {};

TEST_P(BoothAtStaPeriod, FourBitExhaustiveAtClockScaleOneWithExactCond) {
    const auto& tb = tesa::test::timed_booth(4);
    TimingConditions c;
    c.cond = CondMode::Exact;
    c.clock_period_ps = tb.setup.sta.min_period_ps;
    TimedNetlist t = TimedNetlist::build(*tb.setup.netlist, *tb.setup.sdf, c);
    EventSimulator sim(t, GetParam());
    long wrong = 0;
    for (uint32_t x = 0; x < (1u << 16); ++x)
        wrong += sim.capture(x & 15, (x >> 4) & 15, (x >> 8) & 15, (x >> 12) & 15) != t.product((x >> 8) & 15, (x >> 12) & 15);
    EXPECT_EQ(wrong, 0);
}

TEST_P(BoothAtStaPeriod, EightBitSampleAtClockScaleOneWithExactCond) {
    const auto& tb = tesa::test::timed_booth(8);
    TimingConditions c;
    c.cond = CondMode::Exact;
    c.clock_period_ps = tb.setup.sta.min_period_ps;
    TimedNetlist t = TimedNetlist::build(*tb.setup.netlist, *tb.setup.sdf, c);
    EventSimulator sim(t, GetParam());
    std::mt19937_64 rng(13);
    long wrong = 0;
    for (int i = 0; i < 5000; ++i) {
        uint64_t r = rng();
        wrong += sim.capture(r & 255, (r >> 8) & 255, (r >> 16) & 255, (r >> 24) & 255) != t.product((r >> 16) & 255, (r >> 24) & 255);
    }
    EXPECT_EQ(wrong, 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, BoothAtStaPeriod, ::testing::Values(DelayMode::Transport, DelayMode::Inertial, DelayMode::SdfSim));

TEST(EventSimulator, ShortClockFailsAndEveryFailureHasAPathPastCapture) {
    const auto& tb = tesa::test::timed_booth(8);
    TimingConditions c;
    c.clock_period_ps = 0.7 * tb.setup.sta.min_period_ps;
    TimedNetlist t = TimedNetlist::build(*tb.setup.netlist, *tb.setup.sdf, c);
    EventSimulator sim(t, DelayMode::Transport);
    float earliest_limit = 1e30f;
    for (int j = 0; j < 16; ++j) earliest_limit = std::min({earliest_limit, t.capture_limit(j).rise, t.capture_limit(j).fall});
    std::mt19937_64 rng(11);
    int failures = 0;
    for (int i = 0; i < 3000; ++i) {
        uint64_t r = rng();
        uint32_t ap = r & 255, bp = (r >> 8) & 255, a = (r >> 16) & 255, b = (r >> 24) & 255;
        uint32_t p = sim.capture(ap, bp, a, b);
        if (p == t.product(a, b)) continue;
        ++failures;
        // The wrong bit was still moving after its capture limit: a sensitised path that long.
        EXPECT_GT(sim.settle_time(ap, bp, a, b), earliest_limit) << ap << " " << bp << " " << a << " " << b;
    }
    EXPECT_GT(failures, 30) << "0.7 x the critical path must break some products";
}

TEST(EventSimulator, DelayVariationIsSeeded) {
    const auto& tb = tesa::test::timed_booth(8);
    auto rate = [&](uint64_t seed) {
        TimingConditions c;
        c.clock_period_ps = 0.8 * tb.setup.sta.min_period_ps;
        c.sigma = 0.1;
        c.seed = seed;
        TimedNetlist t = TimedNetlist::build(*tb.setup.netlist, *tb.setup.sdf, c);
        EventSimulator sim(t, DelayMode::Transport);
        std::mt19937_64 rng(3);
        std::vector<uint32_t> out;
        for (int i = 0; i < 500; ++i) {
            uint64_t r = rng();
            out.push_back(sim.capture(r & 255, (r >> 8) & 255, (r >> 16) & 255, (r >> 24) & 255));
        }
        return std::make_pair(t.static_arrival_ps(), out);
    };
    auto a = rate(5), b = rate(5), c = rate(6);
    EXPECT_EQ(a, b) << "same seed, same die, same products";
    EXPECT_NE(a.first, c.first) << "another seed, another die";
}

TEST(TimedNetlist, MissingArcInSdfIsNamed) {
    Glitch g("");  // no IOPATH A Z for the XOR
    TimingConditions c;
    c.clock_period_ps = 100;
    try {
        TimedNetlist::build(g.net, g.sdf, c);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("no IOPATH A -> Z"), std::string::npos) << e.what();
    }
}

}  // namespace
