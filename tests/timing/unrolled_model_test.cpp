// The time-unrolled delay-line model against the event-driven reference in the same mode
// (DelayMode::DelayLine, same time step): the interpreter, and the Verilated scalar and 64-lane
// bit-sliced forms that the build generates with `tesa timing unroll`.
#include "timing/unrolled_model.h"

#include "common/error.h"
#include "timing/error_rate.h"
#include "timing/event_simulator.h"
#include "timing_test_util.h"

#include "Vbooth_timed_w4_s60_l64.h"
#include "Vbooth_timed_w4_s60_scalar.h"
#include "Vbooth_timed_w4_s80_l64.h"
#include "Vbooth_timed_w4_s80_scalar.h"
#include "Vbooth_timed_w8_s80_l64.h"
#include "Vbooth_timed_w8_s80_scalar.h"
#include "Vbooth_timed_w8_s90_l64.h"
#include "Vbooth_timed_w8_s90_scalar.h"
#include "verilated.h"

#include <gtest/gtest.h>

#include "test_util.h"

#include <memory>

using namespace tesa;

namespace {

TimedNetlist timed(int width, double scale, TimingConditions::Line line = TimingConditions::Line::InputEdge,
                   double step = TESA_TIMED_STEP) {
    const auto& tb = tesa::test::timed_booth(width);
    TimingConditions c;
    c.clock_period_ps = scale * tb.setup.sta.min_period_ps;
    c.time_step_ps = step;
    c.line = line;
    return TimedNetlist::build(*tb.setup.netlist, *tb.setup.sdf, c);
}

std::vector<Transition> all_transitions(int width) {
    std::vector<Transition> t;
    const uint32_t n = 1u << (4 * width), mask = (1u << width) - 1;
    for (uint32_t x = 0; x < n; ++x)
        t.push_back({x & mask, (x >> width) & mask, (x >> (2 * width)) & mask, (x >> (3 * width)) & mask});
    return t;
}

std::vector<uint32_t> reference(const TimedNetlist& t, const std::vector<Transition>& tr) {
    EventSimulator sim(t, DelayMode::DelayLine);
    std::vector<uint32_t> out;
    out.reserve(tr.size());
    for (const auto& x : tr) out.push_back(sim.capture(x.a_prev, x.b_prev, x.a, x.b));
    return out;
}

TEST(UnrolledModel, InterpreterEqualsDelayLineReferenceExhaustivelyOnFourBits) {
    for (double scale : {0.8, 0.6})
        for (auto line : {TimingConditions::Line::InputEdge, TimingConditions::Line::Single}) {
            TimedNetlist t = timed(4, scale, line, 5);
            UnrolledModel m = UnrolledModel::build(t, *tesa::test::timed_booth(4).setup.netlist);
            const auto tr = all_transitions(4);
            const auto ref = reference(t, tr);
            long mismatches = 0, wrong = 0;
            for (size_t i = 0; i < tr.size(); ++i) {
                mismatches += m.evaluate(tr[i].a_prev, tr[i].b_prev, tr[i].a, tr[i].b) != ref[i];
                wrong += ref[i] != t.product(tr[i].a, tr[i].b);
            }
            EXPECT_EQ(mismatches, 0) << "scale " << scale;
            EXPECT_GT(wrong, 0) << "the clock must be short enough to matter";
        }
}

TEST(UnrolledModel, InterpreterEqualsDelayLineReferenceOnEightBitSample) {
    TimedNetlist t = timed(8, 0.8);
    UnrolledModel m = UnrolledModel::build(t, *tesa::test::timed_booth(8).setup.netlist);
    const auto tr = random_transitions(8, 3000, 21);
    const auto ref = reference(t, tr);
    long mismatches = 0;
    for (size_t i = 0; i < tr.size(); ++i) mismatches += m.evaluate(tr[i].a_prev, tr[i].b_prev, tr[i].a, tr[i].b) != ref[i];
    EXPECT_EQ(mismatches, 0);
}

TEST(UnrolledModel, RefusesAFractionalOrMissingTimeStep) {
    EXPECT_THROW(UnrolledModel::build(timed(4, 0.8, TimingConditions::Line::InputEdge, 0.0),
                                      *tesa::test::timed_booth(4).setup.netlist),
                 Error);
}

// Verilated scalar model: one transition per eval().
template <class Model>
long scalar_mismatches(const std::vector<Transition>& tr, const std::vector<uint32_t>& ref) {
    auto ctx = std::make_unique<VerilatedContext>();
    Model m(ctx.get());
    long mismatches = 0;
    for (size_t i = 0; i < tr.size(); ++i) {
        m.a_prev = tr[i].a_prev;
        m.b_prev = tr[i].b_prev;
        m.a = tr[i].a;
        m.b = tr[i].b;
        m.eval();
        mismatches += static_cast<uint32_t>(m.p) != ref[i];
    }
    return mismatches;
}

// Port bit i of lane l is bit i*64 + l of a wide port (32-bit words).
template <class Port>
void set_lanes(Port& port, int bit, uint64_t lanes) {
    port[2 * bit] = static_cast<uint32_t>(lanes);
    port[2 * bit + 1] = static_cast<uint32_t>(lanes >> 32);
}

template <class Port>
uint64_t get_lanes(const Port& port, int bit) {
    return static_cast<uint64_t>(port[2 * bit]) | (static_cast<uint64_t>(port[2 * bit + 1]) << 32);
}

template <class Model>
long sliced_mismatches(int width, const std::vector<Transition>& tr, const std::vector<uint32_t>& ref) {
    auto ctx = std::make_unique<VerilatedContext>();
    Model m(ctx.get());
    long mismatches = 0;
    for (size_t base = 0; base < tr.size(); base += 64) {
        const size_t n = std::min<size_t>(64, tr.size() - base);
        for (int i = 0; i < width; ++i) {
            uint64_t ap = 0, bp = 0, a = 0, b = 0;
            for (size_t l = 0; l < n; ++l) {
                const Transition& x = tr[base + l];
                ap |= static_cast<uint64_t>((x.a_prev >> i) & 1u) << l;
                bp |= static_cast<uint64_t>((x.b_prev >> i) & 1u) << l;
                a |= static_cast<uint64_t>((x.a >> i) & 1u) << l;
                b |= static_cast<uint64_t>((x.b >> i) & 1u) << l;
            }
            set_lanes(m.a_prev, i, ap);
            set_lanes(m.b_prev, i, bp);
            set_lanes(m.a, i, a);
            set_lanes(m.b, i, b);
        }
        m.eval();
        for (size_t l = 0; l < n; ++l) {
            uint32_t p = 0;
            for (int j = 0; j < 2 * width; ++j) p |= static_cast<uint32_t>((get_lanes(m.p, j) >> l) & 1u) << j;
            mismatches += p != ref[base + l];
        }
    }
    return mismatches;
}

template <class Scalar, class Sliced>
void check_verilated(int width, double scale, const std::vector<Transition>& tr) {
    TimedNetlist t = timed(width, scale);
    const auto ref = reference(t, tr);
    long wrong = 0;
    for (size_t i = 0; i < tr.size(); ++i) wrong += ref[i] != t.product(tr[i].a, tr[i].b);
    EXPECT_GT(wrong, 0) << "the clock must be short enough to matter";
    EXPECT_EQ(scalar_mismatches<Scalar>(tr, ref), 0) << "scalar, scale " << scale;
    EXPECT_EQ(sliced_mismatches<Sliced>(width, tr, ref), 0) << "64 lanes, scale " << scale;
}

TEST(VerilatedUnrolledModel, FourBitExhaustiveAtScale080) {
    check_verilated<Vbooth_timed_w4_s80_scalar, Vbooth_timed_w4_s80_l64>(4, 0.80, all_transitions(4));
}

TEST(VerilatedUnrolledModel, FourBitExhaustiveAtScale060) {
    check_verilated<Vbooth_timed_w4_s60_scalar, Vbooth_timed_w4_s60_l64>(4, 0.60, all_transitions(4));
}

TEST(VerilatedUnrolledModel, EightBit100kRandomAtScale080) {
    check_verilated<Vbooth_timed_w8_s80_scalar, Vbooth_timed_w8_s80_l64>(8, 0.80, random_transitions(8, tesa::test::sanitized_share(100000), 31));
}

TEST(VerilatedUnrolledModel, EightBit100kRandomAtScale090) {
    check_verilated<Vbooth_timed_w8_s90_scalar, Vbooth_timed_w8_s90_l64>(8, 0.90, random_transitions(8, tesa::test::sanitized_share(100000), 32));
}

}  // namespace
