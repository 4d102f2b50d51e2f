// cycle_sim.cpp -- building the evaluation order, one period of the simulation.
#include "power/cycle_sim.h"

#include "common/error.h"
#include "timing/boolean_function.h"

#include <algorithm>

namespace tesa {

SwitchingActivity& SwitchingActivity::operator+=(const SwitchingActivity& o) {
    if (toggles.empty()) {
        toggles.assign(o.toggles.size(), 0);
        high.assign(o.high.size(), 0);
    }
    if (o.toggles.size() != toggles.size()) fail("switching activities of different netlists cannot be added");
    periods += o.periods;
    for (size_t i = 0; i < toggles.size(); ++i) toggles[i] += o.toggles[i], high[i] += o.high[i];
    return *this;
}

namespace {

std::string where(const GateNetlist& n, const NetlistInstance& inst) {
    return n.file() + ":" + std::to_string(inst.line) + ": instance " + inst.name + " (" + inst.cell->name + ")";
}

}  // namespace

CycleSim::CycleSim(const GateNetlist& n, const std::string& clock_port, int buckets) : netlist_(n) {
    if (buckets < 1 || buckets > 64) fail("CycleSim: " + std::to_string(buckets) + " activity buckets (1..64)");
    activity_.resize(static_cast<size_t>(buckets));
    const NetlistPort* clk = n.find_port(clock_port);
    if (!clk || clk->direction != PinDirection::Input || clk->bits.size() != 1)
        fail(n.file() + ": module " + n.module_name() + " has no 1-bit input port '" + clock_port + "' (the clock)");
    const int clk_net = clk->bits[0];
    for (const NetlistPort& p : n.ports()) {
        if (p.name == clock_port) continue;
        if (p.direction == PinDirection::Input) inputs_.push_back({p.name, p.bits});
        else if (p.direction == PinDirection::Output) outputs_.push_back({p.name, p.bits});
        else fail(n.file() + ": port " + p.name + ": only input and output ports are simulated");
        if (p.bits.size() > 64) fail(n.file() + ": port " + p.name + " is wider than 64 bits");
    }

    // Each instance: its input pins in order, then one node per output (or a flip-flop).
    std::vector<std::vector<int>> readers(static_cast<size_t>(n.net_count()));
    std::vector<Node> unordered;
    std::vector<int> driven_by_node(static_cast<size_t>(n.net_count()), -1);
    for (const NetlistInstance& inst : n.instances()) {
        const LibertyCell& cell = *inst.cell;
        std::vector<std::string> in_pins;
        std::vector<int> in_nets;
        for (const PinConnection& pc : inst.pins) {
            const LibertyPin* lp = cell.find_pin(pc.pin);
            if (lp && lp->direction == PinDirection::Input) {
                in_pins.push_back(pc.pin);
                in_nets.push_back(pc.net);
            }
        }
        if (!cell.flip_flops.empty()) {
            if (cell.flip_flops.size() != 1) fail(where(n, inst) + ": a cell with several ff groups is not simulated");
            const LibertyFlipFlop& ff = cell.flip_flops[0];
            if (!ff.clear.empty() || !ff.preset.empty())
                fail(where(n, inst) + ": flip-flops with clear or preset are not simulated");
            Flop f{};
            std::vector<std::string> data_pins;
            std::vector<int> data_nets;
            for (size_t k = 0; k < in_pins.size(); ++k) {
                if (in_pins[k] == ff.clocked_on) {
                    if (in_nets[k] != clk_net) fail(where(n, inst) + ": clock pin " + in_pins[k] + " is not driven by port " + clock_port);
                    continue;
                }
                data_pins.push_back(in_pins[k]);
                data_nets.push_back(in_nets[k]);
            }
            if (data_pins.size() > 6) fail(where(n, inst) + ": more than 6 data inputs");
            f.next_table = BooleanFunction::parse(ff.next_state, data_pins, where(n, inst) + " next_state").table();
            f.n_in = static_cast<int>(data_nets.size());
            std::copy(data_nets.begin(), data_nets.end(), f.in);
            for (const PinConnection& pc : inst.pins) {
                const LibertyPin* lp = cell.find_pin(pc.pin);
                if (!lp || lp->direction != PinDirection::Output || pc.net < 0) continue;
                if (lp->function == ff.state) f.q = pc.net;
                else if (lp->function == ff.state_inv) f.qn = pc.net;
                else fail(where(n, inst) + ": output " + pc.pin + " is neither the state nor its inverse");
            }
            flops_.push_back(f);
            continue;
        }
        if (cell.sequential) fail(where(n, inst) + ": latches and state tables are not simulated");
        if (in_pins.size() > 6) fail(where(n, inst) + ": more than 6 inputs");
        for (const PinConnection& pc : inst.pins) {
            const LibertyPin* lp = cell.find_pin(pc.pin);
            if (!lp || lp->direction != PinDirection::Output || pc.net < 0) continue;
            if (lp->function.empty()) fail(where(n, inst) + ": output " + pc.pin + " has no function");
            Node node{};
            node.table = BooleanFunction::parse(lp->function, in_pins, where(n, inst) + " pin " + pc.pin).table();
            node.n_in = static_cast<int>(in_nets.size());
            std::copy(in_nets.begin(), in_nets.end(), node.in);
            node.out = pc.net;
            driven_by_node[static_cast<size_t>(pc.net)] = static_cast<int>(unordered.size());
            unordered.push_back(node);
        }
    }

    // Kahn's order over nodes: a node is ready when none of its inputs is driven by a pending node.
    std::vector<int> missing(unordered.size(), 0);
    std::vector<std::vector<int>> fanout(unordered.size());
    for (size_t i = 0; i < unordered.size(); ++i)
        for (int k = 0; k < unordered[i].n_in; ++k) {
            const int d = driven_by_node[static_cast<size_t>(unordered[i].in[k])];
            if (d >= 0) {
                ++missing[i];
                fanout[static_cast<size_t>(d)].push_back(static_cast<int>(i));
            }
        }
    std::vector<int> ready;
    for (size_t i = 0; i < unordered.size(); ++i)
        if (missing[i] == 0) ready.push_back(static_cast<int>(i));
    while (!ready.empty()) {
        const int i = ready.back();
        ready.pop_back();
        nodes_.push_back(unordered[static_cast<size_t>(i)]);
        for (int f : fanout[static_cast<size_t>(i)])
            if (--missing[static_cast<size_t>(f)] == 0) ready.push_back(f);
    }
    if (nodes_.size() != unordered.size())
        fail(n.file() + ": module " + n.module_name() + " has a combinational loop (" + std::to_string(unordered.size() - nodes_.size()) +
             " cell outputs on it)");

    value_.assign(static_cast<size_t>(n.net_count()), 0);
    value_[GateNetlist::kConst1] = 1;
    pending_ = value_;
    // The logic settled on the zero state and zero inputs: where the first period starts from.
    for (const Flop& f : flops_)
        if (f.qn >= 0) value_[static_cast<size_t>(f.qn)] = 1;
    for (const Node& nd : nodes_) {
        unsigned idx = 0;
        for (int k = 0; k < nd.n_in; ++k) idx |= static_cast<unsigned>(value_[static_cast<size_t>(nd.in[k])]) << k;
        value_[static_cast<size_t>(nd.out)] = static_cast<uint8_t>((nd.table >> idx) & 1u);
    }
    previous_ = value_;
    next_state_.assign(flops_.size(), 0);
    reset_activity();
}

int CycleSim::input(const std::string& port) const {
    for (size_t i = 0; i < inputs_.size(); ++i)
        if (inputs_[i].name == port) return static_cast<int>(i);
    fail(netlist_.file() + ": module " + netlist_.module_name() + " has no input port '" + port + "'");
}

int CycleSim::output(const std::string& port) const {
    for (size_t i = 0; i < outputs_.size(); ++i)
        if (outputs_[i].name == port) return static_cast<int>(i);
    fail(netlist_.file() + ": module " + netlist_.module_name() + " has no output port '" + port + "'");
}

void CycleSim::set_input(int port, uint64_t bits) {
    const Port& p = inputs_[static_cast<size_t>(port)];
    for (size_t i = 0; i < p.bits.size(); ++i) pending_[static_cast<size_t>(p.bits[i])] = static_cast<uint8_t>((bits >> i) & 1u);
}

uint64_t CycleSim::read_output(int port) const {
    const Port& p = outputs_[static_cast<size_t>(port)];
    uint64_t v = 0;
    for (size_t i = 0; i < p.bits.size(); ++i) v |= static_cast<uint64_t>(value_[static_cast<size_t>(p.bits[i])]) << i;
    return v;
}

void CycleSim::reset_activity() {
    for (SwitchingActivity& a : activity_) {
        a.periods = 0;
        a.toggles.assign(value_.size(), 0);
        a.high.assign(value_.size(), 0);
    }
}

void CycleSim::step(int bucket) {
    uint8_t* v = value_.data();
    // The edge: every flip-flop samples the nets of the period before, then all change at once.
    for (size_t i = 0; i < flops_.size(); ++i) {
        const Flop& f = flops_[i];
        unsigned idx = 0;
        for (int k = 0; k < f.n_in; ++k) idx |= static_cast<unsigned>(v[f.in[k]]) << k;
        next_state_[i] = static_cast<uint8_t>((f.next_table >> idx) & 1u);
    }
    // Before the nets change: the last period's values are what this period's are compared with.
    std::copy(value_.begin(), value_.end(), previous_.begin());
    for (size_t i = 0; i < flops_.size(); ++i) {
        Flop& f = flops_[i];
        f.state = next_state_[i];
        if (f.q >= 0) v[f.q] = f.state;
        if (f.qn >= 0) v[f.qn] = static_cast<uint8_t>(f.state ^ 1u);
    }
    for (const Port& p : inputs_)
        for (int b : p.bits) v[b] = pending_[static_cast<size_t>(b)];
    for (const Node& nd : nodes_) {
        unsigned idx = 0;
        for (int k = 0; k < nd.n_in; ++k) idx |= static_cast<unsigned>(v[nd.in[k]]) << k;
        v[nd.out] = static_cast<uint8_t>((nd.table >> idx) & 1u);
    }
    SwitchingActivity& act = activity_[static_cast<size_t>(bucket)];
    uint64_t* tg = act.toggles.data();
    uint64_t* hi = act.high.data();
    const uint8_t* b = previous_.data();
    for (size_t i = 0; i < value_.size(); ++i) {
        tg[i] += v[i] ^ b[i];
        hi[i] += v[i];
    }
    ++act.periods;
}

}  // namespace tesa
