// event_simulator.h -- exact event-driven simulation of one clock cycle of the timed multiplier:
// the reference every faster model of tesa is checked against.
//
// Semantics. All nets hold the steady values of (a_prev, b_prev). At t = 0 the launch flip-flops
// switch: operand bit i changes at its CK->Q rise or fall delay. A gate re-evaluates its Liberty
// function whenever one of its inputs changes; the new value is due after that input's arc delay
// (rise or fall by the new value; with CondMode::Exact, of the COND entry matching the other
// inputs at that moment).
//   Transport: a new transition at t+d removes pending transitions at or after t+d, then is added
//     if it differs from the value the output is heading for (VHDL transport rule).
//   Inertial: a new evaluation cancels pending transitions of the opposite value, so pulses shorter
//     than the arc delay never appear; a confirming evaluation keeps the earlier pending time.
// Capture: product bit j takes its transitions in time order while each one's time is at most
// T_clk - setup_j(its edge); the first late transition and all after it are missed.
#pragma once

#include "timing/timed_netlist.h"

#include <cstdint>
#include <ostream>
#include <queue>
#include <vector>

namespace tesa {

enum class DelayMode { Transport, Inertial };

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
    void schedule(int net, double time, uint8_t value);
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
};

}  // namespace tesa
