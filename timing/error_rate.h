// error_rate.h -- how often a timed multiplier captures a wrong product over random
// (previous, current) operand transitions: the measurement behind `tesa timing sim` and the flow.
#pragma once

#include "timing/event_simulator.h"

#include <cstdint>
#include <vector>

namespace tesa {

struct Transition {
    uint32_t a_prev, b_prev, a, b;
};

// `count` transitions of uniformly random N-bit operands, reproducible from `seed`.
std::vector<Transition> random_transitions(int width, long count, uint64_t seed);

struct ErrorRate {
    long samples = 0;
    long wrong = 0;       // captured product != exact product
    long wrong_bits = 0;  // summed over wrong products
    double rate() const { return samples ? static_cast<double>(wrong) / samples : 0.0; }
    double ci95() const;  // half-width of the normal-approximation 95% interval
};

ErrorRate measure_error_rate(EventSimulator& sim, const std::vector<Transition>& transitions);

// Latest product-bit transition over the given cycles, left to settle (no capture cut-off).
double latest_arrival_ps(EventSimulator& sim, const std::vector<Transition>& transitions);

}  // namespace tesa
