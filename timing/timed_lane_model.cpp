// timed_lane_model.cpp -- switching windows by forward propagation, then every (net, tick) value in
// its window, gate by gate in topological order and tick by tick; the program is pruned to what
// the capture registers see.
#include "timing/timed_lane_model.h"

#include "common/error.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>

namespace tesa {

namespace {

constexpr int kNever = INT_MAX / 4;
constexpr int kInf = INT_MAX / 4;

// One net's values: old steady before lo, new steady from hi, vals[t - lo] inside.
struct NetWave {
    int lo = kNever, hi = kNever;
    int old_op = 0, new_op = 0;
    std::vector<int> vals;
};

// Per gate and output edge: the delay the reference selects, as truth tables over the inputs.
struct EdgeDelays {
    std::vector<int> thresholds;             // distinct delays (ticks), ascending
    std::vector<std::vector<uint64_t>> le;   // [pin][threshold]: inputs -> "pin's enabled delay <= threshold"
    std::vector<uint64_t> no_enabled;        // [pin]: inputs -> pin has no enabled entry
    std::vector<int> fallback;               // [pin]: smallest delay of the pin's entries
    bool fallback_possible = false;
};

class Unroller {
public:
    Unroller(const TimedNetlist& t, LaneProgram& p, bool transport) : t_(t), p_(p), transport_(transport) {
        const double step = t.conditions().time_step_ps;
        if (!(step >= 1.0) || std::fabs(step - std::round(step)) > 1e-9)
            fail(std::string(name()) + " needs an integral time step of at least 1 ps, got " + std::to_string(step));
        if (!transport && t.conditions().cond != CondMode::Exact)
            fail("the sdf-sim unrolled model evaluates COND entries: build the timed netlist with CondMode::Exact");
        step_ = step;
        end_ = 0;
        for (size_t j = 0; j < t.p_bits().size(); ++j)
            end_ = std::max({end_, limit_tick(t.capture_limit(static_cast<int>(j)).rise), limit_tick(t.capture_limit(static_cast<int>(j)).fall)});
    }

    const char* name() const { return transport_ ? "the transport unrolled model" : "the sdf-sim unrolled model"; }
    int tick(double ps) const { return static_cast<int>(std::llround(ps / step_)); }
    int limit_tick(double ps) const { return static_cast<int>(std::floor(ps / step_ + 1e-6)); }
    int end() const { return end_; }

    void build(LaneModelStats& stats) {
        const int n = t_.width();
        waves_.assign(static_cast<size_t>(t_.net_count()), NetWave{});
        NetWave& c1 = waves_[GateNetlist::kConst1];
        c1.old_op = c1.new_op = p_.one();
        for (int i = 0; i < n; ++i) {
            operand(t_.a_bits()[static_cast<size_t>(i)], p_.input(i), p_.input(2 * n + i), t_.launch_a(i));
            operand(t_.b_bits()[static_cast<size_t>(i)], p_.input(n + i), p_.input(3 * n + i), t_.launch_b(i));
        }
        for (size_t gi = 0; gi < t_.gates().size(); ++gi) gate(static_cast<int>(gi), stats);
        stats.ticks = end_;
    }

    int at(int net, int t) const {
        const NetWave& w = waves_[static_cast<size_t>(net)];
        if (w.lo == kNever || t < w.lo) return w.old_op;
        if (t >= w.hi) return w.new_op;
        const size_t i = static_cast<size_t>(t - w.lo);
        if (i >= w.vals.size()) fail(std::string(name()) + ": value past the capture window requested");
        return w.vals[i];
    }

private:
    void operand(int net, int old_op, int new_op, const ArcDelay& launch) {
        NetWave& w = waves_[static_cast<size_t>(net)];
        w.old_op = old_op;
        w.new_op = new_op;
        const int r = tick(launch.rise), f = tick(launch.fall);
        w.lo = std::min(r, f);
        w.hi = std::max(r, f);
        // Inside: the rise has launched and the fall not yet (old | new), or the reverse.
        for (int t = w.lo; t < w.hi; ++t) w.vals.push_back(r < f ? p_.op_or(old_op, new_op) : p_.op_and(old_op, new_op));
    }

    static double transport_delay(const TimedGate& g, int k, uint32_t idx, int v) {
        const ArcDelay d = arc_delay_at(g, k, idx);  // EventSimulator::arc_delay's choice
        return v ? d.rise : d.fall;
    }

    EdgeDelays edge_delays(const TimedGate& g, int v) {
        EdgeDelays e;
        const uint32_t combos = 1u << g.n_in;
        std::vector<std::vector<int>> dk(static_cast<size_t>(g.n_in), std::vector<int>(combos, kInf));
        for (int k = 0; k < g.n_in; ++k) {
            int all = kInf;
            for (const auto& ca : g.cond_arcs[k]) all = std::min(all, tick(v ? ca.delay.rise : ca.delay.fall));
            if (g.cond_arcs[k].empty()) all = std::min(tick(v ? g.arc[k].rise : g.arc[k].fall), all);
            e.fallback.push_back(all);
            for (uint32_t idx = 0; idx < combos; ++idx) {
                if (transport_) {  // the reference's arc delay: the first entry whose COND holds, else ifnone
                    dk[static_cast<size_t>(k)][idx] = tick(transport_delay(g, k, idx, v));
                    continue;
                }
                int best = kInf;
                for (const auto& ca : g.cond_arcs[k])
                    if (ca.cond_table != ~0ull && ((ca.cond_table >> idx) & 1u)) best = std::min(best, tick(v ? ca.delay.rise : ca.delay.fall));
                if (best == kInf)
                    for (const auto& ca : g.cond_arcs[k])
                        if (ca.cond_table == ~0ull) best = std::min(best, tick(v ? ca.delay.rise : ca.delay.fall));
                dk[static_cast<size_t>(k)][idx] = best;
            }
        }
        std::vector<int> th;
        for (int k = 0; k < g.n_in; ++k) {
            if (!transport_) th.push_back(e.fallback[static_cast<size_t>(k)]);
            for (uint32_t idx = 0; idx < combos; ++idx)
                if (dk[static_cast<size_t>(k)][idx] != kInf) th.push_back(dk[static_cast<size_t>(k)][idx]);
        }
        std::sort(th.begin(), th.end());
        th.erase(std::unique(th.begin(), th.end()), th.end());
        th.erase(std::remove(th.begin(), th.end(), kInf), th.end());
        for (int d : th)
            if (d < 1) fail(std::string(name()) + ": a gate delay rounds to " + std::to_string(d) + " ticks at a " +
                            std::to_string(step_) + " ps step (at least one tick needed; use a smaller --time-step)");
        e.thresholds = th;
        e.le.assign(static_cast<size_t>(g.n_in), std::vector<uint64_t>(th.size(), 0));
        e.no_enabled.assign(static_cast<size_t>(g.n_in), 0);
        for (int k = 0; k < g.n_in; ++k)
            for (uint32_t idx = 0; idx < combos; ++idx) {
                const int d = dk[static_cast<size_t>(k)][idx];
                if (d == kInf) e.no_enabled[static_cast<size_t>(k)] |= 1ull << idx;
                for (size_t i = 0; i < th.size(); ++i)
                    if (d <= th[i]) e.le[static_cast<size_t>(k)][i] |= 1ull << idx;
            }
        // Can F change to v with no changed input having an enabled path? (Any input change is
        // possible between two instants, so every (before, after) pair is tried.) Transport: never.
        for (uint32_t before = 0; before < combos && !e.fallback_possible && !transport_; ++before)
            for (uint32_t after = 0; after < combos; ++after) {
                if (((g.table >> after) & 1u) != static_cast<uint64_t>(v) || ((g.table >> before) & 1u) == static_cast<uint64_t>(v)) continue;
                bool none = true;
                for (int k = 0; k < g.n_in; ++k)
                    if (((before ^ after) >> k) & 1u) none &= dk[static_cast<size_t>(k)][after] == kInf;
                if (none) {
                    e.fallback_possible = true;
                    break;
                }
            }
        return e;
    }

    // [d(s) <= the threshold th[i]] for edge delays e, given the changed-input ops and inputs at s.
    int le_op(const EdgeDelays& e, size_t i, const std::vector<int>& ch, const int* in, int n_in) {
        int any = p_.zero();
        for (int k = 0; k < n_in; ++k)
            any = p_.op_or(any, p_.op_and(ch[static_cast<size_t>(k)], p_.op_table(e.le[static_cast<size_t>(k)][i], n_in, in)));
        if (!e.fallback_possible) return any;
        int none = p_.one(), fb = p_.zero();
        for (int k = 0; k < n_in; ++k) {
            none = p_.op_and(none, p_.op_or(p_.op_not(ch[static_cast<size_t>(k)]), p_.op_table(e.no_enabled[static_cast<size_t>(k)], n_in, in)));
            if (e.fallback[static_cast<size_t>(k)] <= e.thresholds[i]) fb = p_.op_or(fb, ch[static_cast<size_t>(k)]);
        }
        return p_.op_or(any, p_.op_and(none, fb));
    }

    void gate(int gi, LaneModelStats& stats) {
        const TimedGate& g = t_.gates()[static_cast<size_t>(gi)];
        NetWave& w = waves_[static_cast<size_t>(g.out_net)];
        int in_old[6], in_new[6];
        int lo_f = kNever, hi_f = -kNever;
        for (int k = 0; k < g.n_in; ++k) {
            const NetWave& iw = waves_[static_cast<size_t>(g.in_net[k])];
            in_old[k] = iw.old_op;
            in_new[k] = iw.new_op;
            if (iw.lo == kNever) continue;
            lo_f = std::min(lo_f, iw.lo);
            hi_f = std::max(hi_f, iw.hi);
        }
        w.old_op = p_.op_table(g.table, g.n_in, in_old);
        w.new_op = p_.op_table(g.table, g.n_in, in_new);
        if (lo_f == kNever) return;  // no input ever switches
        const EdgeDelays ed[2] = {edge_delays(g, 0), edge_delays(g, 1)};
        int dmin = kInf, dmax = 0;
        for (const auto& e : ed)
            if (!e.thresholds.empty()) dmin = std::min(dmin, e.thresholds.front()), dmax = std::max(dmax, e.thresholds.back());
        if (dmin == kInf) fail(std::string(name()) + ": a gate without delays");
        w.lo = lo_f + dmin;
        w.hi = hi_f + dmax;
        if (w.lo >= end_ + 1) {  // cannot change before the last capture: only its steady values matter
            w.hi = w.lo;
            return;
        }
        // F (memoised per tick) is steady outside [lo_f, hi_f); its changes lie in [lo_f, hi_f].
        auto inputs_at = [&](int t, int* in) {
            for (int k = 0; k < g.n_in; ++k) in[k] = at(g.in_net[k], t);
        };
        std::map<int, int> f_at, c_at, le_cache;
        auto F = [&](int t) {
            if (t < lo_f) return w.old_op;
            if (t >= hi_f) return w.new_op;
            auto it = f_at.find(t);
            if (it != f_at.end()) return it->second;
            int in[6];
            inputs_at(t, in);
            ++stats.function_instants;
            return f_at[t] = p_.op_table(g.table, g.n_in, in);
        };
        auto C = [&](int s) {
            if (s < lo_f || s > hi_f) return p_.zero();
            auto it = c_at.find(s);
            if (it != c_at.end()) return it->second;
            return c_at[s] = p_.op_xor(F(s), F(s - 1));
        };
        // L(s, delta) = [d(s) <= delta], the delay selected at s for the edge F(s) (0 when no input
        // changed at s).
        std::map<std::pair<int, int>, int> g_at;
        auto L = [&](int s, int delta) {
            if (s < lo_f || s > hi_f) return p_.zero();
            auto key = std::make_pair(s, delta);
            auto it = g_at.find(key);
            if (it != g_at.end()) return it->second;
            int in[6];
            inputs_at(s, in);
            std::vector<int> ch(static_cast<size_t>(g.n_in));
            for (int k = 0; k < g.n_in; ++k) ch[static_cast<size_t>(k)] = p_.op_xor(in[k], at(g.in_net[k], s - 1));
            int le[2];
            for (int v = 0; v < 2; ++v) {
                const auto& th = ed[v].thresholds;
                le[v] = p_.zero();
                for (size_t i = th.size(); i-- > 0;)
                    if (th[i] <= delta) {
                        le[v] = le_op(ed[v], i, ch, in, g.n_in);
                        break;
                    }
            }
            return g_at[key] = p_.op_mux(F(s), le[1], le[0]);
        };
        const int last = std::min(w.hi, end_ + 1);
        int prev = w.old_op;
        if (transport_) {
            // out(t) = F(s) of the latest instant s whose transition is due by t (s + d(s) <= t); the
            // transport rule drops every earlier-scheduled one that is due later. None in the
            // window [t - dmax, t - dmin]: out(t - 1).
            for (int t = w.lo; t < last; ++t) {
                for (int delta = dmax; delta >= dmin; --delta) prev = p_.op_mux(L(t - delta, delta), F(t - delta), prev);
                w.vals.push_back(prev);
                ++stats.gate_instants;
            }
            if (last < w.hi) w.hi = last;
            return;
        }
        auto G = [&](int s, int delta) { return p_.op_and(C(s), L(s, delta)); };  // a change of F, due by s + delta
        for (int t = w.lo; t < last; ++t) {
            int m = p_.zero(), quiet = p_.one();  // quiet: no change of F in (t - delta, t)
            for (int delta = 1; delta <= dmax; ++delta) {
                if (delta >= dmin) m = p_.op_or(m, p_.op_and(G(t - delta, delta), quiet));
                quiet = p_.op_and_not(quiet, C(t - delta));
            }
            prev = p_.op_mux(m, F(t - 1), prev);
            w.vals.push_back(prev);
            ++stats.gate_instants;
        }
        if (last < w.hi) w.hi = last;  // values past the last capture are never read
    }

    const TimedNetlist& t_;
    LaneProgram& p_;
    bool transport_;
    double step_ = 1;
    int end_ = 0;
    std::vector<NetWave> waves_;
};

}  // namespace

namespace {

LaneProgram build_program(const TimedNetlist& timed, bool transport, LaneModelStats* stats) {
    const int n = timed.width();
    LaneProgram p(4 * n);
    Unroller u(timed, p, transport);
    LaneModelStats s;
    u.build(s);
    for (int j = 0; j < 2 * n; ++j) {
        const int net = timed.p_bits()[static_cast<size_t>(j)];
        const int lr = u.limit_tick(timed.capture_limit(j).rise), lf = u.limit_tick(timed.capture_limit(j).fall);
        const bool or_cap = lf <= lr;
        int bit = or_cap ? p.zero() : p.one();
        for (int t = std::min(lr, lf); t <= std::max(lr, lf); ++t)
            bit = or_cap ? p.op_or(bit, u.at(net, t)) : p.op_and(bit, u.at(net, t));
        p.add_output(bit);
    }
    p.prune();
    if (stats) *stats = s;
    return p;
}

}  // namespace

LaneProgram build_sdf_sim_program(const TimedNetlist& timed, LaneModelStats* stats) { return build_program(timed, false, stats); }

LaneProgram build_transport_program(const TimedNetlist& timed, LaneModelStats* stats) { return build_program(timed, true, stats); }

LaneProgram build_lane_program(const TimedNetlist& timed, Semantics semantics, LaneModelStats* stats) {
    if (semantics == Semantics::DelayLine) fail("the delay-line semantics has no lane program (timing/unrolled_model.h models it)");
    return build_program(timed, semantics == Semantics::Transport, stats);
}

}  // namespace tesa
