// error_rate.cpp -- sampling loops over the event-driven reference.
#include "timing/error_rate.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace tesa {

std::vector<Transition> random_transitions(int width, long count, uint64_t seed) {
    std::mt19937_64 rng(seed);
    const uint32_t mask = (1u << width) - 1;
    std::vector<Transition> t;
    t.reserve(static_cast<size_t>(count));
    for (long i = 0; i < count; ++i) {
        uint64_t r = rng();
        t.push_back({static_cast<uint32_t>(r) & mask, static_cast<uint32_t>(r >> 16) & mask,
                     static_cast<uint32_t>(r >> 32) & mask, static_cast<uint32_t>(r >> 48) & mask});
    }
    return t;
}

double ErrorRate::ci95() const {
    const double p = rate();
    return samples ? 1.96 * std::sqrt(p * (1 - p) / samples) : 0.0;
}

ErrorRate measure_error_rate(EventSimulator& sim, const std::vector<Transition>& transitions) {
    ErrorRate e;
    const TimedNetlist& t = sim.netlist();
    for (const auto& x : transitions) {
        uint32_t p = sim.capture(x.a_prev, x.b_prev, x.a, x.b), exact = t.product(x.a, x.b);
        ++e.samples;
        if (p != exact) {
            ++e.wrong;
            e.wrong_bits += __builtin_popcount(p ^ exact);
        }
    }
    return e;
}

double latest_arrival_ps(EventSimulator& sim, const std::vector<Transition>& transitions) {
    double latest = 0;
    for (const auto& x : transitions) latest = std::max(latest, sim.settle_time(x.a_prev, x.b_prev, x.a, x.b));
    return latest;
}

}  // namespace tesa
