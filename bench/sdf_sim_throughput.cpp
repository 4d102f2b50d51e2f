// sdf_sim_throughput -- how fast the lane engines (sdf-sim, transport) run, against the event-driven
// reference in each semantics, measured in one run: the stability bound, the exact lane program,
// and the whole engine on current pairs spread over the space, projected to all 2^32 pairs on 1 and
// 2 threads. 8-bit multiplier, typical corner, 10 ps step; clock scales 0.9 and 0.8 (or argv[1]).
#include "timing/error_rate.h"
#include "timing/event_simulator.h"
#include "timing/lane_engine.h"
#include "timing/timed_lane_model.h"
#include "timing_test_util.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

using namespace tesa;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

TimedNetlist timed(double scale, CondMode cond) {
    const auto& tb = tesa::test::timed_booth(8);
    TimingConditions c;
    c.clock_period_ps = scale * tb.setup.sta.min_period_ps;
    c.cond = cond;
    c.time_step_ps = 10;
    return TimedNetlist::build(*tb.setup.netlist, *tb.setup.sdf, c);
}

// Current pairs k * 40503 mod 2^16 (a multiplicative spread over both operands), thread t taking
// every threads-th one.
LaneEngineStats run_engine(const LaneEngine& e, int pairs, int threads, double* seconds) {
    std::vector<LaneEngineStats> per(static_cast<size_t>(threads));
    const auto t0 = Clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            ChunkPairResult r;
            for (int k = t; k < pairs; k += threads) e.characterize(static_cast<uint32_t>(k) * 64u + 17u, r, per[static_cast<size_t>(t)]);
        });
    for (auto& th : pool) th.join();
    *seconds = seconds_since(t0);
    LaneEngineStats st;
    for (const auto& p : per) st.transitions += p.transitions, st.exact += p.exact, st.wrong += p.wrong;
    return st;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<double> scales = {0.9, 0.8};
    if (argc > 1) scales = {std::atof(argv[1])};
    std::printf("tesa lane engine throughput, 8-bit Booth, typical corner, 10 ps step\n");
    for (double scale : scales) {
        std::printf("\nclock scale %.2f\n%-52s %14s\n", scale, "evaluator", "pairs/s");
        const auto transitions = random_transitions(8, 3000, 5);
        const TimedNetlist exact = timed(scale, CondMode::Exact), maxc = timed(scale, CondMode::Max);
        double ref_rate[3];
        const char* names[3] = {"event-driven reference, sdf-sim", "event-driven reference, transport",
                                "event-driven reference, delay-line"};
        for (int m = 0; m < 3; ++m) {
            EventSimulator sim(m == 0 ? exact : maxc, m == 0 ? DelayMode::SdfSim : m == 1 ? DelayMode::Transport : DelayMode::DelayLine);
            const auto t0 = Clock::now();
            measure_error_rate(sim, transitions);
            ref_rate[m] = transitions.size() / seconds_since(t0);
            std::printf("%-52s %14.0f\n", names[m], ref_rate[m]);
        }
        for (int m = 0; m < 2; ++m) {  // the two semantics with a lane engine
            const Semantics sem = m == 0 ? Semantics::SdfSim : Semantics::Transport;
            const TimedNetlist& tn = m == 0 ? exact : maxc;
            const std::string name = semantics_name(sem);
            auto t0 = Clock::now();
            const LaneEngine engine(tn, sem);
            std::printf("%s engine built in %.2f s: lane program %ld ops\n", name.c_str(), seconds_since(t0), engine.program_ops());
            {  // the exact program alone, 256 lanes per evaluation
                const LaneCode code = engine.program().code();
                LaneBuffer in, out, slots;
                in.resize(32);
                out.resize(16);
                slots.resize(code.slots);
                for (int i = 0; i < 32; ++i)
                    for (int k = 0; k < 4; ++k) in[static_cast<size_t>(i)][k] = 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(i * 4 + k + 1);
                const int evals = 300;
                t0 = Clock::now();
                for (int r = 0; r < evals; ++r) run_lane_code(code, in.data(), out.data(), slots.data());
                std::printf("%-52s %14.0f\n", (name + ": exact lane program (interpreted, 256 lanes)").c_str(), evals * 256.0 / seconds_since(t0));
            }
            const int pairs = 1024;  // every 64th current pair: all b, 4 values of a each
            double s1 = 0, s2 = 0;
            const LaneEngineStats st1 = run_engine(engine, pairs, 1, &s1);
            const LaneEngineStats st2 = run_engine(engine, pairs, 2, &s2);
            const double r1 = st1.transitions / s1, r2 = st2.transitions / s2;
            std::printf("%-52s %14.0f   (%.2f%% through the exact program)\n", (name + ": engine (bound + exact), 1 thread").c_str(), r1,
                        100.0 * st1.exact / st1.transitions);
            std::printf("%-52s %14.0f\n", (name + ": engine (bound + exact), 2 threads").c_str(), r2);
            std::printf("ratio %s engine (1 thread) / event-driven reference (%s): %.0f\n", name.c_str(), name.c_str(), r1 / ref_rate[m]);
            std::printf("projected exhaustive 2^32 pairs, 2 threads: %.0f s (target 120 s for sdf-sim at 0.9; %d current pairs: every 64th)\n",
                        4294967296.0 / r2, pairs);
        }
    }
    return 0;
}
