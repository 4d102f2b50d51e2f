// glitch_activity.h -- the switching activity of the timed multiplier with its glitches: every
// net's transitions in the event-driven simulation of each operand change (timing/
// event_simulator.h, the cycle left to settle), beside the zero-delay count of the same changes
// (a net toggles once when its settled value differs, never otherwise).
//
// The difference is the glitch activity: hazards that the unequal path delays of the Booth
// encoders, the partial-product array and the adder tree make every net pass through before it
// settles. Counted over the whole settling, whatever the clock: a transition after the capture
// edge still charges its load (the clock decides which products are wrong, not how much charge
// moves). Scaling every delay by one factor (a supply voltage on the delay model's line) keeps the
// order of all events and therefore every count; the die's per-instance variation and the
// semantics can change them.
//
// Counts are over the TimedNetlist's nets, which are the multiplier GateNetlist's net ids, so
// the activities go to power/sta_power.h on that netlist unchanged. `high` counts the periods a
// net settled at 1 (both sets; glitches do not move the duty). Operand pairs that do not change
// simulate nothing. Transitions are memoized (a layer's streams repeat pairs); the loop allocates
// only when it meets a new pair.
#pragma once

#include "power/cycle_sim.h"
#include "timing/event_simulator.h"
#include "timing/timed_netlist.h"

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace tesa {

class GlitchCounter {
public:
    // `netlist` must outlive the counter. SdfSim needs CondMode::Exact in its conditions.
    GlitchCounter(const TimedNetlist& netlist, int buckets = 1, DelayMode mode = DelayMode::SdfSim);

    // One period whose multiplier inputs change from (a_prev, b_prev) to (a, b), N-bit patterns.
    // Returns the period's transitions summed over the nets.
    struct Totals {
        uint64_t timed = 0, zero_delay = 0;
    };
    Totals add(uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b, int bucket = 0);

    // The activities so far (`high` settled from the periods' operands on each call).
    SwitchingActivity timed(int bucket = 0) const { return with_duty(timed_[static_cast<size_t>(bucket)], bucket); }
    SwitchingActivity zero_delay(int bucket = 0) const { return with_duty(zero_[static_cast<size_t>(bucket)], bucket); }
    uint64_t simulated() const { return simulated_; }  // distinct changes run by the event simulator

private:
    struct Counts {  // one operand change: (net, timed transitions, zero-delay toggle)
        std::vector<uint32_t> net;
        std::vector<uint16_t> timed;
        std::vector<uint8_t> zero;
        Totals total;
    };
    const Counts& counts(uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b);
    SwitchingActivity with_duty(SwitchingActivity s, int bucket) const;

    const TimedNetlist& net_;
    EventSimulator sim_;
    std::vector<SwitchingActivity> timed_, zero_;
    static constexpr size_t kMaxMemo = size_t{1} << 15;  // entries (a few KB each)
    std::unordered_map<uint64_t, Counts> memo_;
    std::vector<std::unordered_map<uint32_t, uint64_t>> operands_;  // per bucket: periods per (a, b)
    std::vector<uint8_t> before_, after_, value_;  // scratch: settled values, the running value
    std::vector<uint32_t> seen_;                   // scratch: transitions per net of one run
    uint64_t simulated_ = 0;
};

}  // namespace tesa
