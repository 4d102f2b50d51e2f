// unrolled_model.h -- the delay-line timed multiplier unrolled in time: one Boolean node per
// (net, time instant) that can still reach a capture register, so one clock cycle becomes one
// combinational function of (a_prev, b_prev, a, b).
//
// Time is counted in ticks of a fixed step (delays rounded to it, as the reference does with the
// same --time-step). Semantics are those of DelayMode::DelayLine (event_simulator.h):
//   - a net is its old steady value (zero-delay evaluation of a_prev, b_prev) before its switching
//     window [lo, hi) and its new steady value (of a, b) from hi on;
//   - inside the window, an operand bit is old | new between its rise and fall launch ticks (in
//     whichever order they come: old & new if the fall launches first);
//   - a gate output at tick t is f(pin_0(t), ...), pin_k(t) = AND of net(tau) over
//     tau in [t - d_rise, t - d_fall] if d_rise >= d_fall, else the OR over [t - d_fall, t - d_rise],
//     with d the pin's input-edge line delays (one sample when they are equal);
//   - product bit j is captured as the OR of its values over [limit_fall, limit_rise] when the fall
//     limit comes first (a late rise may still be caught, a late fall not), else the AND over
//     [limit_rise, limit_fall].
// A pin's sample window is built from power-of-two sub-windows (Or2/And2 nodes) that neighbouring
// instants share, so each window costs about one operation instead of one per sample.
// The same node list drives three evaluators: an interpreter (tests), generated Verilog in scalar
// form (ports a_prev, b_prev, a, b -> p) and in bit-sliced form (every port a vector of lanes).
#pragma once

#include "rtl/gate_netlist.h"
#include "timing/timed_netlist.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tesa {

struct UnrolledNode {
    enum Kind : uint8_t { Old, New, Operand, Gate, Or2, And2 } kind;
    int net = -1;
    int tick = 0;
    int gate = -1;             // Gate: index into TimedNetlist::gates()
    // Operand: value is old|new (or_window) or old&new inside the window
    bool or_window = false;
    // Or2 / And2: a sample window combined from two halves (shared between instants)
    int left = -1, right = -1;
    // Gate: per pin, its sample nodes samples()[pin_begin[k], pin_end[k]) and how they combine
    int pin_begin[6] = {0, 0, 0, 0, 0, 0};
    int pin_end[6] = {0, 0, 0, 0, 0, 0};
    bool pin_and[6] = {true, true, true, true, true, true};
};

class UnrolledModel {
public:
    // Requires conditions().time_step_ps >= 1 and integral.
    static UnrolledModel build(const TimedNetlist& timed, const GateNetlist& netlist);

    int width() const { return width_; }
    const std::vector<UnrolledNode>& nodes() const { return nodes_; }  // dependencies come first
    const std::vector<int>& samples() const { return samples_; }
    long sample_count() const { return static_cast<long>(samples_.size()); }
    // For product bit j: node indices combined by OR (or_capture[j]) or AND.
    const std::vector<int>& capture_nodes(int j) const { return capture_[static_cast<size_t>(j)]; }
    bool or_capture(int j) const { return or_capture_[static_cast<size_t>(j)]; }
    int gate_nodes() const;  // nodes that are gate evaluations at an instant
    double step_ps() const { return step_; }

    // Reference interpreter: the captured product for one transition.
    uint32_t evaluate(uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b) const;

    // Generated Verilog. lanes == 0: scalar ports; lanes > 0: every port and node is a
    // [lanes-1:0] vector of independent transitions.
    std::string verilog(const std::string& module, int lanes) const;

private:
    const TimedNetlist* timed_ = nullptr;
    const GateNetlist* netlist_ = nullptr;
    int width_ = 0;
    double step_ = 1.0;
    std::vector<UnrolledNode> nodes_;
    std::vector<int> samples_;
    std::vector<std::vector<int>> capture_;
    std::vector<bool> or_capture_;
};

}  // namespace tesa
