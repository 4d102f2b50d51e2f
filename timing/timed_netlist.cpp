// timed_netlist.cpp -- joins the gate-level netlist, the Liberty functions and the SDF delays.
#include "timing/timed_netlist.h"

#include "common/error.h"
#include "common/validate.h"
#include "timing/boolean_function.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

namespace tesa {

namespace {

float pick(const SdfTriple& t, TripleSelect s) {
    return static_cast<float>(s == TripleSelect::Max ? t.pick_max() : t.pick_min());
}

ArcDelay pick(const SdfDelay& d, TripleSelect s) { return {pick(d.rise, s), pick(d.fall, s)}; }

float adjust(float d, double factor, double step) {
    double v = d * factor;
    if (step > 0) v = std::round(v / step) * step;
    return static_cast<float>(std::max(0.0, v));
}

}  // namespace

TimedNetlist TimedNetlist::build(const GateNetlist& netlist, const SdfFile& sdf, const TimingConditions& c,
                                 const std::string& prefix) {
    require_in("timing: clock period (ps)", c.clock_period_ps, Range::open_closed(0, 1e9));
    require_in("timing: delay scale", c.delay_scale, Range::open_closed(0, 100));
    require_in("timing: delay sigma", c.sigma, Range::closed(0, 0.5));
    require_in("timing: time step (ps)", c.time_step_ps, Range::closed(0, 1000));
    TimedNetlist t;
    t.cond_ = c;
    for (int n = 0; n < netlist.net_count(); ++n) t.net_names_.push_back(netlist.net_name(n));
    const NetlistPort* pa = netlist.find_port("a");
    const NetlistPort* pb = netlist.find_port("b");
    const NetlistPort* pp = netlist.find_port("p");
    if (!pa || !pb || !pp || pa->bits.size() != pb->bits.size() || pp->bits.size() != 2 * pa->bits.size())
        fail(netlist.file() + ": expected a multiplier with ports a[N-1:0], b[N-1:0], p[2N-1:0]");
    if (pa->bits.size() > 16) fail(netlist.file() + ": operands wider than 16 bits are not supported");
    t.a_bits_ = pa->bits;
    t.b_bits_ = pb->bits;
    t.p_bits_ = pp->bits;

    std::map<std::string, const SdfCell*> by_instance;
    for (const auto& cell : sdf.cells()) by_instance[cell.instance] = &cell;
    auto sdf_cell = [&](const std::string& inst) -> const SdfCell& {
        auto it = by_instance.find(inst);
        if (it == by_instance.end()) fail(sdf.file() + ": no CELL for instance '" + inst + "'");
        return *it->second;
    };

    // Per-instance variation factor, drawn in instance order: same seed, same die.
    std::mt19937_64 rng(c.seed);
    std::normal_distribution<double> gauss(0.0, 1.0);

    t.driver_.assign(static_cast<size_t>(netlist.net_count()), -1);
    std::map<std::string, std::pair<int, int>> pin_of;  // "inst/PIN" -> (gate, pin) for interconnects
    for (size_t ii = 0; ii < netlist.instances().size(); ++ii) {
        const NetlistInstance& inst = netlist.instances()[ii];
        const LibertyCell& cell = *inst.cell;
        if (cell.sequential) fail(netlist.file() + ":" + std::to_string(inst.line) + ": sequential cell '" + cell.name +
                                  "' in a combinational multiplier");
        double factor = c.delay_scale * (c.sigma > 0 ? std::max(0.05, 1.0 + c.sigma * gauss(rng)) : 1.0);
        std::vector<std::string> in_pins;
        std::vector<int> in_nets;
        for (const auto& p : cell.pins) {
            if (p.direction != PinDirection::Input) continue;
            in_pins.push_back(p.name);
            int net = -1;
            for (const auto& pc : inst.pins)
                if (pc.pin == p.name) net = pc.net;
            in_nets.push_back(net);
        }
        if (in_pins.size() > 6) fail("cell '" + cell.name + "' has more than 6 inputs");
        const SdfCell& sc = sdf_cell(prefix + inst.name);
        if (sc.celltype != cell.name)
            fail(sdf.file() + ":" + std::to_string(sc.line) + ": instance '" + sc.instance + "' is " + sc.celltype +
                 " in the SDF but " + cell.name + " in " + netlist.file());
        for (const auto& p : cell.pins) {
            if (p.direction != PinDirection::Output) continue;
            int out_net = -1;
            for (const auto& pc : inst.pins)
                if (pc.pin == p.name) out_net = pc.net;
            if (out_net < 0) continue;  // unconnected output
            const std::string pin_where = located(cell.file, p.line, "cell '" + cell.name + "' pin '" + p.name + "'");
            if (p.function.empty()) fail(pin_where + ": no Liberty function");
            TimedGate g;
            g.instance = static_cast<int>(ii);
            g.out_net = out_net;
            g.n_in = static_cast<int>(in_pins.size());
            for (int k = 0; k < g.n_in; ++k) g.in_net[k] = in_nets[static_cast<size_t>(k)];
            g.table = BooleanFunction::parse(p.function, in_pins, pin_where + " function").table();
            for (int k = 0; k < g.n_in; ++k) {
                bool found = false;
                ArcDelay worst{0, 0}, uncond{0, 0};
                for (const auto& io : sc.iopaths) {
                    if (io.in_port != in_pins[static_cast<size_t>(k)] || io.out_port != p.name) continue;
                    ArcDelay d = pick(io.delay, c.triple);
                    d.rise = adjust(d.rise, factor, c.time_step_ps);
                    d.fall = adjust(d.fall, factor, c.time_step_ps);
                    worst.rise = std::max(worst.rise, d.rise);
                    worst.fall = std::max(worst.fall, d.fall);
                    if (io.cond.empty()) uncond = d;
                    CondArc ca;
                    ca.delay = d;
                    if (!io.cond.empty())
                        ca.cond_table = BooleanFunction::parse(io.cond, in_pins,
                                                               sdf.file() + ":" + std::to_string(io.line)).table();
                    g.cond_arcs[k].push_back(ca);
                    found = true;
                }
                if (!found)
                    fail(sdf.file() + ": instance '" + sc.instance + "' has no IOPATH " + in_pins[static_cast<size_t>(k)] +
                         " -> " + p.name);
                g.arc[k] = c.cond == CondMode::Unconditional ? uncond : worst;
                if (c.cond != CondMode::Exact) g.cond_arcs[k].clear();
                pin_of[prefix + inst.name + "/" + in_pins[static_cast<size_t>(k)]] = {static_cast<int>(t.gates_.size()), k};
            }
            for (int k = 0; k < g.n_in; ++k) {
                bool pos = true, neg = true;
                for (uint32_t idx = 0; idx < (1u << g.n_in); ++idx) {
                    if ((idx >> k) & 1u) continue;
                    const bool lo = (g.table >> idx) & 1u, hi = (g.table >> (idx | (1u << k))) & 1u;
                    pos &= !lo || hi;
                    neg &= lo || !hi;
                }
                const float both = std::max(g.arc[k].rise, g.arc[k].fall);
                g.line[k] = c.line == TimingConditions::Line::Single ? ArcDelay{both, both}
                            : pos ? g.arc[k] : neg ? ArcDelay{g.arc[k].fall, g.arc[k].rise} : ArcDelay{both, both};
            }
            t.driver_[static_cast<size_t>(out_net)] = static_cast<int>(t.gates_.size());
            t.gates_.push_back(std::move(g));
        }
    }

    // Wire delays: OpenSTA writes zero INTERCONNECT delays for a netlist without parasitics, and
    // the simulation models none; anything else is refused rather than ignored.
    for (const auto& cell : sdf.cells())
        for (const auto& ic : cell.interconnects) {
            if (pin_of.find(ic.to) == pin_of.end()) continue;  // loads outside the multiplier
            ArcDelay d = pick(ic.delay, c.triple);
            if (d.rise != 0 || d.fall != 0)
                fail(sdf.file() + ":" + std::to_string(ic.line) + ": nonzero INTERCONNECT delay " + ic.from + " -> " +
                     ic.to + " (wire delays are not modelled; time the netlist without parasitics)");
        }

    // Topological order (Kahn), so that settle() is one pass.
    const size_t ng = t.gates_.size();
    std::vector<int> indeg(ng, 0);
    std::vector<std::vector<int>> succ(ng);
    for (size_t g = 0; g < ng; ++g)
        for (int k = 0; k < t.gates_[g].n_in; ++k) {
            int d = t.driver_[static_cast<size_t>(t.gates_[g].in_net[k])];
            if (d >= 0) {
                succ[static_cast<size_t>(d)].push_back(static_cast<int>(g));
                ++indeg[g];
            }
        }
    std::vector<int> order;
    for (size_t g = 0; g < ng; ++g)
        if (indeg[g] == 0) order.push_back(static_cast<int>(g));
    for (size_t i = 0; i < order.size(); ++i)
        for (int s : succ[static_cast<size_t>(order[i])])
            if (--indeg[static_cast<size_t>(s)] == 0) order.push_back(s);
    if (order.size() != ng) fail(netlist.file() + ": combinational loop");
    std::vector<TimedGate> sorted;
    sorted.reserve(ng);
    for (int g : order) sorted.push_back(std::move(t.gates_[static_cast<size_t>(g)]));
    t.gates_ = std::move(sorted);
    t.fanout_.assign(static_cast<size_t>(netlist.net_count()), {});
    for (size_t g = 0; g < ng; ++g) {
        t.driver_[static_cast<size_t>(t.gates_[g].out_net)] = static_cast<int>(g);
        for (int k = 0; k < t.gates_[g].n_in; ++k)
            t.fanout_[static_cast<size_t>(t.gates_[g].in_net[k])].push_back({static_cast<int>(g), k});
    }

    // Launch (CK->Q) and capture (T - setup) of the PE registers.
    auto launch = [&](const std::string& reg) {
        const SdfCell& sc = sdf_cell(reg);
        for (const auto& io : sc.iopaths)
            if (io.in_port == "CK" && io.out_port == "Q") {
                ArcDelay d = pick(io.delay, c.triple);
                return ArcDelay{adjust(d.rise, c.delay_scale, c.time_step_ps), adjust(d.fall, c.delay_scale, c.time_step_ps)};
            }
        fail(sdf.file() + ": register '" + reg + "' has no IOPATH CK Q");
    };
    for (int i = 0; i < t.width(); ++i) {
        t.launch_a_.push_back(launch("ra_" + std::to_string(i)));
        t.launch_b_.push_back(launch("rb_" + std::to_string(i)));
    }
    for (size_t j = 0; j < t.p_bits_.size(); ++j) {
        std::string reg = "rp_" + std::to_string(j);
        const SdfCell& sc = sdf_cell(reg);
        float su_rise = -1, su_fall = -1;
        for (const auto& chk : sc.checks) {
            if ((chk.kind != "SETUP" && chk.kind != "SETUPHOLD") || chk.data_port != "D") continue;
            float v = adjust(pick(chk.value, c.triple), c.delay_scale, c.time_step_ps);
            if (chk.data_edge != SdfEdge::Negedge) su_rise = std::max(su_rise, v);
            if (chk.data_edge != SdfEdge::Posedge) su_fall = std::max(su_fall, v);
        }
        if (su_rise < 0 || su_fall < 0) fail(sdf.file() + ": register '" + reg + "' has no SETUP check on D");
        t.capture_.push_back({static_cast<float>(c.clock_period_ps - su_rise), static_cast<float>(c.clock_period_ps - su_fall)});
    }
    return t;
}

double TimedNetlist::static_arrival_ps() const {
    std::vector<double> arr(net_names_.size(), 0.0);
    for (size_t i = 0; i < a_bits_.size(); ++i) {
        arr[static_cast<size_t>(a_bits_[i])] = std::max(launch_a_[i].rise, launch_a_[i].fall);
        arr[static_cast<size_t>(b_bits_[i])] = std::max(launch_b_[i].rise, launch_b_[i].fall);
    }
    for (const auto& g : gates_) {
        double t = 0;
        for (int k = 0; k < g.n_in; ++k)
            t = std::max(t, arr[static_cast<size_t>(g.in_net[k])] + std::max(g.arc[k].rise, g.arc[k].fall));
        arr[static_cast<size_t>(g.out_net)] = t;
    }
    double worst = 0;
    for (int p : p_bits_) worst = std::max(worst, arr[static_cast<size_t>(p)]);
    return worst;
}

void TimedNetlist::settle(uint32_t a, uint32_t b, std::vector<uint8_t>& v) const {
    v.assign(net_names_.size(), 0);
    v[GateNetlist::kConst1] = 1;
    for (size_t i = 0; i < a_bits_.size(); ++i) {
        v[static_cast<size_t>(a_bits_[i])] = (a >> i) & 1u;
        v[static_cast<size_t>(b_bits_[i])] = (b >> i) & 1u;
    }
    for (const auto& g : gates_) {
        uint32_t idx = 0;
        for (int k = 0; k < g.n_in; ++k) idx |= static_cast<uint32_t>(v[static_cast<size_t>(g.in_net[k])]) << k;
        v[static_cast<size_t>(g.out_net)] = (g.table >> idx) & 1u;
    }
}

uint32_t TimedNetlist::product(uint32_t a, uint32_t b) const {
    std::vector<uint8_t> v;
    settle(a, b, v);
    uint32_t p = 0;
    for (size_t j = 0; j < p_bits_.size(); ++j) p |= static_cast<uint32_t>(v[static_cast<size_t>(p_bits_[j])]) << j;
    return p;
}

ArcDelay arc_delay_at(const TimedGate& g, int pin, uint32_t inputs) {
    const CondArc* match = nullptr;
    for (const auto& ca : g.cond_arcs[pin])
        if (ca.cond_table != ~0ull && ((ca.cond_table >> inputs) & 1u)) {
            match = &ca;
            break;
        }
    if (!match)
        for (const auto& ca : g.cond_arcs[pin])
            if (ca.cond_table == ~0ull) match = &ca;
    return match ? match->delay : g.arc[pin];
}

}  // namespace tesa
