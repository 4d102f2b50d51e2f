// cycle_sim.h -- zero-delay, cycle-based simulation of a gate-level netlist with edge-triggered
// flip-flops (Liberty `ff` groups), counting each net's value changes: the switching activity of a
// synchronous design whose logic settles once per clock period, without glitches (the timed
// simulation adds those).
//
// One period (step()): at its clock edge every flip-flop takes its next_state function of the
// nets as they settled in the period before; then the input ports take the values set for this
// period (set_input) and the combinational cells settle, in topological order. A net toggles in a
// period when its settled value differs from the one before; it is high when it settled at 1.
// Flip-flop states and inputs start at 0, the logic settled on them; the first period's changes
// count.
//
// Supported cells: combinational ones whose outputs have Liberty functions of at most 6 inputs,
// tie cells (constant functions), and flip-flops with one clock pin driven by the clock port, no
// clear or preset, and outputs that are the state or its inverse. Anything else is an Error naming
// the cell and the instance. The per-period loop allocates nothing.
#pragma once

#include "rtl/gate_netlist.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tesa {

// Counts over the periods simulated, per net of the netlist (GateNetlist net ids).
struct SwitchingActivity {
    uint64_t periods = 0;
    std::vector<uint64_t> toggles, high;
    double rate(int net) const { return periods ? static_cast<double>(toggles[static_cast<size_t>(net)]) / static_cast<double>(periods) : 0; }
    double duty(int net) const { return periods ? static_cast<double>(high[static_cast<size_t>(net)]) / static_cast<double>(periods) : 0; }
    SwitchingActivity& operator+=(const SwitchingActivity& o);
};

class CycleSim {
public:
    // `buckets`: separate counts, one chosen per period (step), e.g. busy and idle periods.
    CycleSim(const GateNetlist& netlist, const std::string& clock_port = "clk", int buckets = 1);

    // Index of an input port other than the clock (Error naming the port if there is none).
    int input(const std::string& port) const;
    int output(const std::string& port) const;
    int input_width(int port) const { return static_cast<int>(inputs_[static_cast<size_t>(port)].bits.size()); }
    // The value an input port takes in the next period: bit i of `bits` drives port bit i.
    void set_input(int port, uint64_t bits);
    void step(int bucket = 0);
    uint64_t read_output(int port) const;  // settled value of an output port, bit i = port bit i

    const SwitchingActivity& activity(int bucket = 0) const { return activity_[static_cast<size_t>(bucket)]; }
    void reset_activity();  // counts restart; the state stays

    const GateNetlist& netlist() const { return netlist_; }

private:
    struct Node {  // one cell output: out = table(in[0..n-1])
        uint64_t table;
        int n_in;
        int in[6];
        int out;
    };
    struct Flop {
        uint64_t next_table;
        int n_in;
        int in[6];
        int q = -1, qn = -1;  // nets; -1 when not connected
        uint8_t state = 0;
    };
    struct Port {
        std::string name;
        std::vector<int> bits;
    };

    const GateNetlist& netlist_;
    std::vector<Node> nodes_;   // topological order
    std::vector<Flop> flops_;
    std::vector<Port> inputs_, outputs_;
    std::vector<uint8_t> value_, pending_;  // per net; pending: input port bits for the next period
    std::vector<uint8_t> previous_;         // per net: the values of the period before
    std::vector<uint8_t> next_state_;       // scratch, one per flop
    std::vector<SwitchingActivity> activity_;
};

}  // namespace tesa
