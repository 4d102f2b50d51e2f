// event_simulator.cpp -- priority-queue event simulation with per-net pending transitions; stale
// queue entries (cancelled transitions) are recognised by their sequence number.
#include "timing/event_simulator.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace tesa {

EventSimulator::EventSimulator(const TimedNetlist& netlist, DelayMode mode) : net_(netlist), mode_(mode) {
    if ((mode == DelayMode::SdfSim || mode == DelayMode::IcarusModpath) && netlist.conditions().cond != CondMode::Exact)
        fail("the sdf-sim semantics evaluates COND entries: build the timed netlist with CondMode::Exact");
    pending_.resize(static_cast<size_t>(net_.net_count()));
    out_wave_.resize(net_.p_bits().size());
    p_index_.assign(static_cast<size_t>(net_.net_count()), -1);
    for (size_t j = 0; j < net_.p_bits().size(); ++j) p_index_[static_cast<size_t>(net_.p_bits()[j])] = static_cast<int>(j);
    for (size_t j = 0; j < net_.p_bits().size(); ++j)
        capture_stop_ = std::max<double>(capture_stop_, std::max(net_.capture_limit(static_cast<int>(j)).rise,
                                                                 net_.capture_limit(static_cast<int>(j)).fall));
}

void EventSimulator::schedule(int net, double time, uint8_t value) {
    auto& pend = pending_[static_cast<size_t>(net)];
    if (mode_ == DelayMode::Transport) {
        while (!pend.empty() && pend.back().time >= time) pend.pop_back();
        uint8_t heading = pend.empty() ? value_[static_cast<size_t>(net)] : pend.back().value;
        if (value == heading) return;
    } else {
        if (!pend.empty() && pend.back().value == value) return;  // confirmed: keep the earlier time
        pend.clear();
        if (value == value_[static_cast<size_t>(net)]) return;    // pulse swallowed
    }
    Pending p{time, ++seq_, value};
    pend.push_back(p);
    queue_.push({time, p.seq, net, value});
}

ArcDelay EventSimulator::arc_delay(int gate, int pin) const {
    return arc_delay_at(net_.gates()[static_cast<size_t>(gate)], pin, in_index_[static_cast<size_t>(gate)]);
}

void EventSimulator::evaluate(int gate, int pin, double now) {
    const TimedGate& g = net_.gates()[static_cast<size_t>(gate)];
    const uint8_t v = (g.table >> in_index_[static_cast<size_t>(gate)]) & 1u;
    const ArcDelay d = arc_delay(gate, pin);
    schedule(g.out_net, now + (v ? d.rise : d.fall), v);
}

void EventSimulator::start(uint32_t a_prev, uint32_t b_prev) {
    net_.settle(a_prev, b_prev, value_);
    prev_ = value_;
    const auto& gates = net_.gates();
    in_index_.assign(gates.size(), 0);
    for (size_t g = 0; g < gates.size(); ++g)
        for (int k = 0; k < gates[g].n_in; ++k)
            in_index_[g] |= static_cast<uint32_t>(value_[static_cast<size_t>(gates[g].in_net[k])]) << k;
    for (auto& p : pending_) p.clear();
    for (auto& w : out_wave_) w.clear();
    queue_ = {};
    pin_queue_ = {};
    log_.clear();
}

void EventSimulator::set_net(int net, uint8_t value, double time) {
    value_[static_cast<size_t>(net)] = value;
    if (record_) log_.push_back({time, net, value});
    if (int j = p_index_[static_cast<size_t>(net)]; j >= 0) out_wave_[static_cast<size_t>(j)].push_back({time, net, value});
}

void EventSimulator::run_delay_line(double stop_time, uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b) {
    const auto& gates = net_.gates();
    is_dirty_.assign(gates.size(), 0);
    pin_pending_.resize(gates.size() * 6);
    for (auto& p : pin_pending_) p.clear();
    // Transport rule on one line: drop pending transitions at or after `when`, then add this one
    // if it changes the value the line is heading for.
    auto line_event = [&](int gate, int pin, uint8_t v, double when) {
        const size_t li = static_cast<size_t>(gate) * 6 + static_cast<size_t>(pin);
        auto& pend = pin_pending_[li];
        while (!pend.empty() && pend.back().time >= when) pend.pop_back();
        const uint8_t heading = pend.empty() ? static_cast<uint8_t>((in_index_[static_cast<size_t>(gate)] >> pin) & 1u)
                                             : pend.back().value;
        if (v == heading) return;
        Pending p{when, ++seq_, v};
        pend.push_back(p);
        pin_queue_.push({when, p.seq, gate, pin, v});
    };
    auto fan_out = [&](int net, uint8_t v, double now) {
        for (const Fanout& f : net_.fanout(net)) {
            const ArcDelay& d = gates[static_cast<size_t>(f.gate)].line[f.pin];
            line_event(f.gate, f.pin, v, now + (v ? d.rise : d.fall));
        }
    };
    for (int i = 0; i < net_.width(); ++i) {
        const uint32_t na = (a >> i) & 1u, nb = (b >> i) & 1u;
        if (na != ((a_prev >> i) & 1u))
            pin_queue_.push({na ? net_.launch_a(i).rise : net_.launch_a(i).fall, ++seq_, -1, net_.a_bits()[static_cast<size_t>(i)], static_cast<uint8_t>(na)});
        if (nb != ((b_prev >> i) & 1u))
            pin_queue_.push({nb ? net_.launch_b(i).rise : net_.launch_b(i).fall, ++seq_, -1, net_.b_bits()[static_cast<size_t>(i)], static_cast<uint8_t>(nb)});
    }
    while (!pin_queue_.empty() && pin_queue_.top().time <= stop_time) {
        const double now = pin_queue_.top().time;
        while (true) {
            // every line transition due now (zero-delay ones included) before the next gate
            while (!pin_queue_.empty() && pin_queue_.top().time == now) {
                PinEvent e = pin_queue_.top();
                pin_queue_.pop();
                if (e.gate < 0) {
                    set_net(e.pin, e.value, now);
                    fan_out(e.pin, e.value, now);
                    continue;
                }
                auto& pend = pin_pending_[static_cast<size_t>(e.gate) * 6 + static_cast<size_t>(e.pin)];
                auto it = std::find_if(pend.begin(), pend.end(), [&](const Pending& p) { return p.seq == e.seq; });
                if (it == pend.end()) continue;  // cancelled
                pend.erase(pend.begin(), it + 1);
                uint32_t& idx = in_index_[static_cast<size_t>(e.gate)];
                idx = (idx & ~(1u << e.pin)) | (static_cast<uint32_t>(e.value) << e.pin);
                if (!is_dirty_[static_cast<size_t>(e.gate)]) is_dirty_[static_cast<size_t>(e.gate)] = 1, dirty_.push(e.gate);
            }
            if (dirty_.empty()) break;
            const int g = dirty_.top();
            dirty_.pop();
            is_dirty_[static_cast<size_t>(g)] = 0;
            const TimedGate& gate = gates[static_cast<size_t>(g)];
            const uint8_t v = (gate.table >> in_index_[static_cast<size_t>(g)]) & 1u;
            if (v == value_[static_cast<size_t>(gate.out_net)]) continue;
            set_net(gate.out_net, v, now);
            fan_out(gate.out_net, v, now);
        }
    }
}

void EventSimulator::launch_operands(uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b) {
    for (int i = 0; i < net_.width(); ++i) {
        const uint32_t na = (a >> i) & 1u, nb = (b >> i) & 1u;
        if (na != ((a_prev >> i) & 1u)) schedule(net_.a_bits()[static_cast<size_t>(i)], na ? net_.launch_a(i).rise : net_.launch_a(i).fall, static_cast<uint8_t>(na));
        if (nb != ((b_prev >> i) & 1u)) schedule(net_.b_bits()[static_cast<size_t>(i)], nb ? net_.launch_b(i).rise : net_.launch_b(i).fall, static_cast<uint8_t>(nb));
    }
}

double EventSimulator::icarus_out_time(int gate, uint8_t value, double now) const {
    const TimedGate& g = net_.gates()[static_cast<size_t>(gate)];
    const uint32_t idx = in_index_[static_cast<size_t>(gate)];
    const double none = -std::numeric_limits<double>::infinity();
    // An entry is an ifnone path when its pin also has conditional entries; a conditional entry is
    // enabled when its condition holds; a pin's only, unconditional entry is a plain path.
    auto kind = [&](int k, const CondArc& ca) {  // 0 disabled, 1 enabled path, 2 ifnone
        bool conditional = false;
        for (const auto& c : g.cond_arcs[k]) conditional |= c.cond_table != ~0ull;
        if (ca.cond_table == ~0ull) return conditional ? 2 : 1;
        return ((ca.cond_table >> idx) & 1u) ? 1 : 0;
    };
    double wake[3] = {none, none, none};
    for (int k = 0; k < g.n_in; ++k)
        for (const auto& ca : g.cond_arcs[k]) {
            const int kd = kind(k, ca);
            wake[kd] = std::max(wake[kd], wake_[static_cast<size_t>(gate) * 6 + static_cast<size_t>(k)]);
        }
    const int use = wake[1] == none || wake[2] > wake[1] ? 2 : 1;
    if (wake[use] == none) return now;  // no enabled path: no delay
    double at = std::numeric_limits<double>::infinity();
    for (int k = 0; k < g.n_in; ++k) {
        const double w = wake_[static_cast<size_t>(gate) * 6 + static_cast<size_t>(k)];
        if (w != wake[use]) continue;
        for (const auto& ca : g.cond_arcs[k])
            if (kind(k, ca) == use) at = std::min(at, w + (value ? ca.delay.rise : ca.delay.fall));
    }
    return std::max(at, now);
}

float EventSimulator::path_delay(int gate, uint32_t changed, uint8_t value) {
    const TimedGate& g = net_.gates()[static_cast<size_t>(gate)];
    const uint32_t idx = in_index_[static_cast<size_t>(gate)];
    float best = std::numeric_limits<float>::infinity(), any = best;
    for (int k = 0; k < g.n_in; ++k) {
        if (!((changed >> k) & 1u)) continue;
        bool enabled = false;
        for (const auto& ca : g.cond_arcs[k]) {
            const float d = value ? ca.delay.rise : ca.delay.fall;
            any = std::min(any, d);
            if (ca.cond_table != ~0ull && ((ca.cond_table >> idx) & 1u)) best = std::min(best, d), enabled = true;
        }
        if (!enabled)  // the unconditional (ifnone) entry applies when no condition holds
            for (const auto& ca : g.cond_arcs[k])
                if (ca.cond_table == ~0ull) best = std::min(best, value ? ca.delay.rise : ca.delay.fall);
    }
    if (best == std::numeric_limits<float>::infinity()) {
        ++fallbacks_;
        return any;
    }
    return best;
}

void EventSimulator::run_two_phase(double stop_time, uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b) {
    const auto& gates = net_.gates();
    const bool icarus = mode_ == DelayMode::IcarusModpath, transport = mode_ == DelayMode::Transport;
    if (icarus) wake_.assign(gates.size() * 6, -std::numeric_limits<double>::infinity());
    function_.resize(gates.size());
    for (size_t g = 0; g < gates.size(); ++g) function_[g] = value_[static_cast<size_t>(gates[g].out_net)];
    changed_.assign(gates.size(), 0);
    touched_.clear();
    launch_operands(a_prev, b_prev, a, b);
    while (!queue_.empty() && queue_.top().time <= stop_time) {
        const double now = queue_.top().time;
        // Phase 1: every transition due now.
        while (!queue_.empty() && queue_.top().time == now) {
            const Event e = queue_.top();
            queue_.pop();
            auto& pend = pending_[static_cast<size_t>(e.net)];
            uint8_t value = e.value;
            if (icarus && net_.driver_gate()[static_cast<size_t>(e.net)] >= 0) {
                value = function_[static_cast<size_t>(net_.driver_gate()[static_cast<size_t>(e.net)])];
                if (value == value_[static_cast<size_t>(e.net)]) continue;
            } else {
                if (pend.empty() || pend.front().seq != e.seq) continue;  // cancelled
                pend.erase(pend.begin());  // transport may hold later transitions behind it
            }
            set_net(e.net, value, now);
            for (const Fanout& f : net_.fanout(e.net)) {
                if (icarus) wake_[static_cast<size_t>(f.gate) * 6 + static_cast<size_t>(f.pin)] = now;
                uint32_t& idx = in_index_[static_cast<size_t>(f.gate)];
                idx = (idx & ~(1u << f.pin)) | (static_cast<uint32_t>(value) << f.pin);
                if (!changed_[static_cast<size_t>(f.gate)]) touched_.push_back(f.gate);
                changed_[static_cast<size_t>(f.gate)] |= 1u << f.pin;
            }
        }
        // Phase 2: each touched gate evaluates its function once, on all of this instant's changes.
        for (int g : touched_) {
            const TimedGate& gate = gates[static_cast<size_t>(g)];
            const uint32_t changed = changed_[static_cast<size_t>(g)];
            changed_[static_cast<size_t>(g)] = 0;
            const uint8_t v = (gate.table >> in_index_[static_cast<size_t>(g)]) & 1u;
            if (transport) {  // every input change schedules, with the shortest of the changed arcs
                float d = std::numeric_limits<float>::infinity();
                for (int k = 0; k < gate.n_in; ++k)
                    if ((changed >> k) & 1u) {
                        const ArcDelay a = arc_delay(g, k);
                        d = std::min(d, v ? a.rise : a.fall);
                    }
                schedule(gate.out_net, now + d, v);
                continue;
            }
            if (v == function_[static_cast<size_t>(g)]) continue;
            function_[static_cast<size_t>(g)] = v;
            if (icarus) {  // an event without a value, never cancelled
                queue_.push({icarus_out_time(g, v, now), ++seq_, gate.out_net, v});
                continue;
            }
            auto& pend = pending_[static_cast<size_t>(gate.out_net)];
            pend.clear();  // pulse rejection: the pending transition is cancelled
            if (v == value_[static_cast<size_t>(gate.out_net)]) continue;
            const double when = now + path_delay(g, changed, v);
            Pending p{when, ++seq_, v};
            pend.push_back(p);
            queue_.push({when, p.seq, gate.out_net, v});
        }
        touched_.clear();
    }
}

void EventSimulator::run(uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b, double stop_time) {
    start(a_prev, b_prev);
    if (mode_ == DelayMode::DelayLine) {
        run_delay_line(stop_time, a_prev, b_prev, a, b);
        return;
    }
    if (mode_ == DelayMode::SdfSim || mode_ == DelayMode::IcarusModpath || mode_ == DelayMode::Transport) {
        run_two_phase(stop_time, a_prev, b_prev, a, b);
        return;
    }

    launch_operands(a_prev, b_prev, a, b);

    while (!queue_.empty()) {
        Event e = queue_.top();
        if (e.time > stop_time) break;
        queue_.pop();
        auto& pend = pending_[static_cast<size_t>(e.net)];
        auto it = std::find_if(pend.begin(), pend.end(), [&](const Pending& p) { return p.seq == e.seq; });
        if (it == pend.end()) continue;  // cancelled
        pend.erase(pend.begin(), it + 1);
        set_net(e.net, e.value, e.time);
        for (const Fanout& f : net_.fanout(e.net)) {
            uint32_t& idx = in_index_[static_cast<size_t>(f.gate)];
            idx = (idx & ~(1u << f.pin)) | (static_cast<uint32_t>(e.value) << f.pin);
            evaluate(f.gate, f.pin, e.time);
        }
    }
}

uint32_t EventSimulator::capture(uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b) {
    run(a_prev, b_prev, a, b, capture_stop_);
    uint32_t p = 0;
    for (size_t j = 0; j < net_.p_bits().size(); ++j) {
        uint8_t v = prev_[static_cast<size_t>(net_.p_bits()[j])];
        const ArcDelay& lim = net_.capture_limit(static_cast<int>(j));
        for (const auto& tr : out_wave_[j]) {
            if (tr.time_ps > (tr.value ? lim.rise : lim.fall)) break;
            v = tr.value;
        }
        p |= static_cast<uint32_t>(v) << j;
    }
    return p;
}

double EventSimulator::settle_time(uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b) {
    run(a_prev, b_prev, a, b, std::numeric_limits<double>::infinity());
    double last = 0;
    for (const auto& w : out_wave_)
        if (!w.empty()) last = std::max(last, w.back().time_ps);
    return last;
}

void EventSimulator::write_vcd(std::ostream& out, uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b) const {
    // Identifier codes: base-94 printable characters.
    auto code = [](int n) {
        std::string s;
        do {
            s.push_back(static_cast<char>('!' + n % 94));
            n /= 94;
        } while (n > 0);
        return s;
    };
    auto clean = [](std::string s) {
        for (auto& ch : s)
            if (ch == ' ' || ch == '$') ch = '_';
        return s;
    };
    out << "$comment tesa event-driven cycle: (a,b) = (" << a_prev << "," << b_prev << ") -> (" << a << "," << b
        << "), T_clk = " << net_.conditions().clock_period_ps << " ps $end\n"
        << "$timescale 1fs $end\n$scope module booth_mul $end\n";
    for (int n = 2; n < net_.net_count(); ++n) out << "$var wire 1 " << code(n) << " " << clean(net_.net_name(n)) << " $end\n";
    out << "$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n";
    for (int n = 2; n < net_.net_count(); ++n) out << static_cast<int>(prev_[static_cast<size_t>(n)]) << code(n) << "\n";
    out << "$end\n";
    long long last = -1;
    for (const auto& t : log_) {
        long long fs = std::llround(t.time_ps * 1000.0);
        if (fs != last) {
            out << "#" << fs << "\n";
            last = fs;
        }
        out << static_cast<int>(t.value) << code(t.net) << "\n";
    }
}

}  // namespace tesa
