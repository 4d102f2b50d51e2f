// unrolled_throughput -- how fast the time-unrolled delay-line multiplier evaluates (Verilated,
// scalar and 64-lane bit-sliced, 1 and 2 threads) against the exact event-driven reference in the
// same mode, measured in one run; and the projected wall time of all 2^32 (previous, current)
// pairs of the INT8 multiplier. Model: 8-bit, clock scale 0.8, typical corner, 10 ps step.
#include "timing/error_rate.h"
#include "timing/event_simulator.h"
#include "timing_test_util.h"

#include "Vbooth_timed_w8_s80_l64_bench.h"
#include "Vbooth_timed_w8_s80_scalar_bench.h"
#include "verilated.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

using namespace tesa;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Evaluates `groups` groups of 64 transitions: one current pair per group (broadcast), 64
// previous pairs per group -- the layout of the exhaustive characterization.
uint64_t run_sliced(uint32_t first_group, uint32_t groups) {
    auto ctx = std::make_unique<VerilatedContext>();
    Vbooth_timed_w8_s80_l64_bench m(ctx.get());
    uint64_t checksum = 0;
    for (uint32_t g = first_group; g < first_group + groups; ++g) {
        const uint32_t cur = g >> 10, prev_base = (g & 1023) << 6;  // 1024 groups of prev per current pair
        for (int i = 0; i < 8; ++i) {
            const uint64_t a = ((cur >> i) & 1u) ? ~0ull : 0, b = ((cur >> (8 + i)) & 1u) ? ~0ull : 0;
            uint64_t ap = 0, bp = 0;
            for (uint32_t l = 0; l < 64; ++l) {
                ap |= static_cast<uint64_t>(((prev_base + l) >> i) & 1u) << l;
                bp |= static_cast<uint64_t>(((prev_base + l) >> (8 + i)) & 1u) << l;
            }
            m.a[2 * i] = static_cast<uint32_t>(a), m.a[2 * i + 1] = static_cast<uint32_t>(a >> 32);
            m.b[2 * i] = static_cast<uint32_t>(b), m.b[2 * i + 1] = static_cast<uint32_t>(b >> 32);
            m.a_prev[2 * i] = static_cast<uint32_t>(ap), m.a_prev[2 * i + 1] = static_cast<uint32_t>(ap >> 32);
            m.b_prev[2 * i] = static_cast<uint32_t>(bp), m.b_prev[2 * i + 1] = static_cast<uint32_t>(bp >> 32);
        }
        m.eval();
        for (int w = 0; w < 32; ++w) checksum += m.p[w];
    }
    return checksum;
}

}  // namespace

int main() {
    const auto& tb = tesa::test::timed_booth(8);
    TimingConditions c;
    c.clock_period_ps = 0.8 * tb.setup.sta.min_period_ps;
    c.time_step_ps = 10;
    TimedNetlist t = TimedNetlist::build(*tb.setup.netlist, *tb.setup.sdf, c);
    const auto transitions = random_transitions(8, 20000, 5);

    std::printf("tesa unrolled-model throughput, 8-bit Booth, T_clk %.1f ps (0.8 x OpenSTA), 10 ps step\n",
                c.clock_period_ps);
    std::printf("%-44s %14s\n", "evaluator", "pairs/s");

    auto t0 = Clock::now();
    EventSimulator ref(t, DelayMode::DelayLine);
    ErrorRate e = measure_error_rate(ref, transitions);
    const double ref_rate = transitions.size() / seconds_since(t0);
    std::printf("%-44s %14.0f   (wrong %ld of %ld)\n", "event-driven reference, delay-line mode", ref_rate, e.wrong, e.samples);

    t0 = Clock::now();
    EventSimulator tr(t, DelayMode::Transport);
    measure_error_rate(tr, transitions);
    std::printf("%-44s %14.0f\n", "event-driven reference, transport mode", transitions.size() / seconds_since(t0));

    {
        auto ctx = std::make_unique<VerilatedContext>();
        Vbooth_timed_w8_s80_scalar_bench m(ctx.get());
        const long n = 200000;
        uint64_t sum = 0;
        t0 = Clock::now();
        for (long i = 0; i < n; ++i) {
            const Transition& x = transitions[static_cast<size_t>(i) % transitions.size()];
            m.a_prev = x.a_prev, m.b_prev = x.b_prev, m.a = x.a, m.b = x.b;
            m.eval();
            sum += m.p;
        }
        std::printf("%-44s %14.0f   (checksum %llu)\n", "Verilated scalar, 1 thread", n / seconds_since(t0),
                    static_cast<unsigned long long>(sum));
    }

    const uint32_t groups = 40000;
    t0 = Clock::now();
    uint64_t sum = run_sliced(0, groups);
    const double one = 64.0 * groups / seconds_since(t0);
    std::printf("%-44s %14.0f   (checksum %llu)\n", "Verilated 64-lane bit-sliced, 1 thread", one,
                static_cast<unsigned long long>(sum));

    const unsigned threads = 2;
    t0 = Clock::now();
    std::vector<std::thread> pool;
    for (unsigned k = 0; k < threads; ++k) pool.emplace_back([k] { run_sliced(k * groups, groups); });
    for (auto& th : pool) th.join();
    const double two = 64.0 * groups * threads / seconds_since(t0);
    std::printf("%-44s %14.0f\n", "Verilated 64-lane bit-sliced, 2 threads", two);

    std::printf("ratio bit-sliced (1 thread) / event-driven reference (delay-line): %.0f\n", one / ref_rate);
    std::printf("projected exhaustive 2^32 pairs at 2 threads: %.0f s (target 120 s)\n", 4294967296.0 / two);
    return 0;
}
