// timed_netlist.h -- the mapped multiplier with every cell arc's rise/fall delay from SDF, the
// launch (CK->Q) delay of every operand bit and the setup time of every product bit: everything
// a timed simulation of one clock cycle needs, in flat arrays.
//
// Delay model. An arc is (input pin -> output pin) of one instance; its rise and fall delays come
// from the SDF IOPATH entries. OpenSTA writes several conditional (COND) entries for one arc;
// CondMode::Max takes the maximum over them (one delay per arc and edge: the model the fast
// characterization uses), CondMode::Exact evaluates the conditions on the other pins' values at the
// moment of the input change; CondMode::Unconditional counts only entries without COND, an arc
// with none having zero delay (how Icarus 11 reads such SDF: it skips conditional entries). Triples (min:typ:max) give max (default) or min. Delays are then
// scaled (supply voltage), varied per instance (seeded Gaussian, one die) and optionally rounded
// to a time step.
#pragma once

#include "rtl/gate_netlist.h"
#include "timing/sdf_file.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tesa {

enum class CondMode { Max, Exact, Unconditional };
enum class TripleSelect { Max, Min };

struct TimingConditions {
    double clock_period_ps = 0;   // T_clk; capture of product bit j at T_clk - setup_j(edge)
    CondMode cond = CondMode::Max;
    TripleSelect triple = TripleSelect::Max;
    double delay_scale = 1.0;     // multiplies every delay (voltage scaling)
    double sigma = 0.0;           // per-instance relative Gaussian delay variation
    uint64_t seed = 1;            // seed of that variation
    double time_step_ps = 0.0;    // > 0: every delay rounded to a multiple of this step
    // Delay-line model only: per-pin line delays by input edge (from unateness), or one delay,
    // max(rise, fall), for both edges.
    enum class Line { InputEdge, Single } line = Line::InputEdge;
};

struct ArcDelay {
    float rise = 0, fall = 0;   // output rising / falling, ps
};

// One conditional variant of an arc (CondMode::Exact).
struct CondArc {
    uint64_t cond_table = ~0ull;  // truth table over the gate's inputs; ~0: unconditional
    ArcDelay delay;
};

struct TimedGate {
    int out_net = -1;
    int n_in = 0;
    int in_net[6] = {-1, -1, -1, -1, -1, -1};
    uint64_t table = 0;          // output as a function of the inputs (bit k of index = input k)
    ArcDelay arc[6];             // per input pin, by output edge, max over conditions
    ArcDelay line[6];            // per input pin, by INPUT edge (delay-line model): from arc[] and
                                 // the pin's unateness; a binate pin gets max(rise, fall) for both
    std::vector<CondArc> cond_arcs[6];  // CondMode::Exact only
    int instance = -1;           // index into GateNetlist::instances()
};

struct Fanout {
    int gate;
    int pin;
};

// The delay of `pin`'s arc with the gate's inputs at `inputs` (bit k = pin k): the first COND entry
// whose condition holds, else the unconditional one, else TimedGate::arc (the transport and
// inertial references' choice).
ArcDelay arc_delay_at(const TimedGate& g, int pin, uint32_t inputs);

class TimedNetlist {
public:
    // `prefix` is the multiplier's instance path in the SDF ("u_mul/" for the PE wrapper);
    // launch delays come from ra_<i>/rb_<i> (IOPATH CK Q), setups from rp_<j> (SETUP D CK).
    static TimedNetlist build(const GateNetlist& netlist, const SdfFile& sdf, const TimingConditions& conditions,
                              const std::string& prefix = "u_mul/");

    int width() const { return static_cast<int>(a_bits_.size()); }
    int net_count() const { return static_cast<int>(net_names_.size()); }
    const std::string& net_name(int n) const { return net_names_[static_cast<size_t>(n)]; }
    const std::vector<TimedGate>& gates() const { return gates_; }  // topological order
    const std::vector<Fanout>& fanout(int net) const { return fanout_[static_cast<size_t>(net)]; }
    const std::vector<int>& a_bits() const { return a_bits_; }
    const std::vector<int>& b_bits() const { return b_bits_; }
    const std::vector<int>& p_bits() const { return p_bits_; }
    const ArcDelay& launch_a(int i) const { return launch_a_[static_cast<size_t>(i)]; }
    const ArcDelay& launch_b(int i) const { return launch_b_[static_cast<size_t>(i)]; }
    // Latest time at which a rising / falling transition of product bit j is still captured.
    const ArcDelay& capture_limit(int j) const { return capture_[static_cast<size_t>(j)]; }
    const TimingConditions& conditions() const { return cond_; }
    const std::vector<int>& driver_gate() const { return driver_; }  // -1 for inputs/constants

    // Longest launch-to-output path with every arc at max(rise, fall): no transition of either
    // delay mode can reach a product bit later than this (every event is an input event plus one
    // arc delay), so a clock with T - setup above it captures every product correctly.
    double static_arrival_ps() const;

    // Zero-delay steady state of every net for operands (a, b), given as N-bit patterns.
    void settle(uint32_t a, uint32_t b, std::vector<uint8_t>& values) const;
    // The steady-state product (2N-bit pattern).
    uint32_t product(uint32_t a, uint32_t b) const;

private:
    TimingConditions cond_;
    std::vector<std::string> net_names_;
    std::vector<TimedGate> gates_;
    std::vector<std::vector<Fanout>> fanout_;
    std::vector<int> driver_;
    std::vector<int> a_bits_, b_bits_, p_bits_;
    std::vector<ArcDelay> launch_a_, launch_b_, capture_;
};

}  // namespace tesa
