// event_simulator.h -- exact event-driven simulation of one clock cycle of the timed multiplier:
// the reference every faster model of tesa is checked against.
//
// Semantics. All nets hold the steady values of (a_prev, b_prev). At t = 0 the launch flip-flops
// switch: operand bit i changes at its CK->Q rise or fall delay. A gate re-evaluates its Liberty
// function whenever one of its inputs changes; the new value is due after that input's arc delay
// (rise or fall by the new value; with CondMode::Exact, of the COND entry matching the other
// inputs at that moment).
//   Transport: one instant is processed in two phases as in SdfSim below; then every gate with an
//     input changed now schedules F = f(inputs now) at now + d, d the smallest delay of the changed
//     inputs' arcs for the edge F (COND as above) -- the same as scheduling one transition per
//     changed arc, in any order. A new transition at t+d removes pending transitions at or after
//     t+d, then is added if it differs from the value the output is heading for (VHDL transport
//     rule). Two phases, because the order of same-time events is left open by IEEE 1364-2005
//     (11.4.2): evaluating a gate once per input event, in queue order, would let a zero-width
//     intermediate input state schedule a pulse that another order does not.
//   Inertial: a new evaluation cancels pending transitions of the opposite value, so pulses shorter
//     than the arc delay never appear; a confirming evaluation keeps the earlier pending time.
//   DelayLine: every gate input pin sees its net through a transport delay line whose delay
//     depends on the input edge (TimedGate::line: the arc's output-edge delays mapped through the
//     pin's unateness); a new line transition removes the line's pending transitions at or after
//     it, so pin(t) = AND of net(tau) over tau in [t - d_rise, t - d_fall] when d_rise >= d_fall
//     (pulses of 1 narrower than the difference vanish), else the OR over [t - d_fall, t - d_rise]
//     (pulses of 1 widen).
//     Gates switch with zero delay; all changes of one instant are applied before the gates are
//     evaluated (in topological order), so no zero-width pulses exist. This is the semantics of
//     the time-unrolled models (timing/unrolled_model.h), which agree with it bit for bit.
//   SdfSim: what a Verilog simulator does with an SDF-annotated netlist whose cells are modules
//     with specify paths (IEEE 1364-2005 clause 14; docs/semantics.md gives the reading clause by
//     clause). Each cell has a zero-delay functional output F = f(inputs); module-path delays act
//     on changes of F. One instant is processed in two phases: (1) every net transition due now is
//     applied; (2) every gate whose inputs changed now evaluates F once on all of them. When F
//     changes to v, the pending output transition (if any) is cancelled -- a pulse narrower than
//     the path delay is rejected, the default reject and error limits of 14.6 being 100% of the
//     delay -- and, unless the output already is v, v is scheduled after the path delay: among the
//     inputs that changed at this instant (14.3.3: the most recent input change; simultaneous ones
//     give the shortest delay), each input's enabled paths for edge v (COND entries whose
//     condition holds on the inputs now, 14.2.4; the unconditional entry when none does), the
//     smallest delay. When no changed input has an enabled path, the smallest delay of the changed
//     inputs' entries is used and counted (fallbacks()). Requires CondMode::Exact.
//   IcarusModpath: Icarus Verilog 11's own module-path algorithm (vvp/delay.cc), only to explain
//     the sdf-sim cross-check: when F changes, the candidates are the enabled paths whose input
//     changed last (whether or not that change moved F; an ifnone entry only when later or alone),
//     the output time is the smallest wake + delay, clamped to now (zero delay when no path is
//     enabled), and an output event carries no value: at maturity it propagates F as it is then,
//     and no event is ever cancelled. Requires CondMode::Exact.
// Capture: product bit j takes its transitions in time order while each one's time is at most
// T_clk - setup_j(its edge); the first late transition and all after it are missed.
#pragma once

#include "timing/timed_netlist.h"

#include <cstdint>
#include <ostream>
#include <queue>
#include <vector>

namespace tesa {

enum class DelayMode { Transport, Inertial, DelayLine, SdfSim, IcarusModpath };

struct NetTransition {
    double time_ps;
    int net;
    uint8_t value;
};

class EventSimulator {
public:
    EventSimulator(const TimedNetlist& netlist, DelayMode mode);

    // Captured product (2N-bit pattern) for the transition (a_prev, b_prev) -> (a, b).
    uint32_t capture(uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b);

    // Time of the last transition of any product bit when the cycle is left to settle (no
    // capture cut-off); 0 when no product bit moves.
    double settle_time(uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b);

    // Every net transition of the last run, in time order (for VCD and analysis).
    void record(bool on) { record_ = on; }
    const std::vector<NetTransition>& transitions() const { return log_; }
    // Writes the last recorded run as VCD (1 fs resolution).
    void write_vcd(std::ostream& out, uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b) const;

    const TimedNetlist& netlist() const { return net_; }
    // SdfSim: output changes so far whose changed inputs had no enabled path (see above).
    uint64_t fallbacks() const { return fallbacks_; }

private:
    struct Event {
        double time;
        uint64_t seq;
        int net;
        uint8_t value;
        bool operator>(const Event& o) const { return time != o.time ? time > o.time : seq > o.seq; }
    };
    struct Pending {
        double time;
        uint64_t seq;
        uint8_t value;
    };

    void run(uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b, double stop_time);
    void run_delay_line(double stop_time, uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b);
    void run_two_phase(double stop_time, uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b);
    void launch_operands(uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b);
    double icarus_out_time(int gate, uint8_t value, double now) const;
    float path_delay(int gate, uint32_t changed, uint8_t value);
    void start(uint32_t a_prev, uint32_t b_prev);
    void set_net(int net, uint8_t value, double time);
    void schedule(int net, double time, uint8_t value);
    ArcDelay arc_delay(int gate, int pin) const;  // Transport/Inertial: the arc's delay now
    void evaluate(int gate, int pin, double now);

    const TimedNetlist& net_;
    DelayMode mode_;
    bool record_ = false;
    std::vector<uint8_t> value_;                // current value of every net
    std::vector<uint8_t> prev_;                 // steady values before the edge
    std::vector<uint32_t> in_index_;            // per gate: its inputs' current values, bit k = pin k
    std::vector<std::vector<Pending>> pending_; // per net: transitions scheduled, not yet applied
    std::vector<std::vector<NetTransition>> out_wave_;  // per product bit
    std::vector<int> p_index_;                  // per net: its product bit, or -1
    double capture_stop_ = 0;                   // no capture can see events after this
    std::priority_queue<Event, std::vector<Event>, std::greater<Event>> queue_;
    uint64_t seq_ = 0;
    std::vector<NetTransition> log_;

    struct PinEvent {
        double time;
        uint64_t seq;
        int gate, pin;  // gate < 0: operand net `pin` switches
        uint8_t value;
        bool operator>(const PinEvent& o) const { return time != o.time ? time > o.time : seq > o.seq; }
    };
    std::priority_queue<PinEvent, std::vector<PinEvent>, std::greater<PinEvent>> pin_queue_;
    std::priority_queue<int, std::vector<int>, std::greater<int>> dirty_;
    std::vector<uint8_t> is_dirty_;
    std::vector<std::vector<Pending>> pin_pending_;  // per gate*6+pin (delay-line mode)
    std::vector<uint8_t> function_;    // SdfSim: per gate, its functional output F
    std::vector<uint32_t> changed_;    // SdfSim: per gate, inputs changed at this instant
    std::vector<int> touched_;         // SdfSim: gates with inputs changed at this instant
    std::vector<double> wake_;         // IcarusModpath: per gate*6+pin, time of the last input change
    uint64_t fallbacks_ = 0;
};

}  // namespace tesa
