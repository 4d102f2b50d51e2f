// pe_energy.cpp -- the sampled PEs' gate-level simulation beside the array, and the energy sums.
#include "sc_models/pe_energy.h"

#include "common/error.h"
#include "common/rng.h"
#include "power/cycle_sim.h"
#include "power/glitch_activity.h"
#include "power/saif_file.h"
#include "power/voltage_energy.h"
#include "rtl/liberty_library.h"
#include "sc_models/pe_stimulus.h"
#include "timing/sdf_file.h"
#include "timing/timed_netlist.h"
#include "timing/transition_table.h"

#include <algorithm>
#include <cmath>
#include <memory>

namespace tesa {

namespace {

// Student t, 97.5% quantile, for n - 1 degrees of freedom (n samples); 1.96 from 31 on.
double t975(int n) {
    static const double t[] = {0, 0, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
                               2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    return n < 2 ? 0 : n <= 31 ? t[n] : 1.96;
}

MeanInterval interval(const std::vector<double>& x) {
    MeanInterval m;
    m.n = static_cast<int>(x.size());
    if (x.empty()) return m;
    for (double v : x) m.mean += v;
    m.mean /= static_cast<double>(x.size());
    if (x.size() < 2) return m;
    double ss = 0;
    for (double v : x) ss += (v - m.mean) * (v - m.mean);
    m.half_width = t975(m.n) * std::sqrt(ss / static_cast<double>(x.size() - 1) / static_cast<double>(x.size()));
    return m;
}

struct Probe {  // one sampled PE
    int r, c;
    std::unique_ptr<CycleSim> sim;
    int act, act_valid, flush, weight, weight_valid, load = -1, drain = -1, psum;
    bool busy_before = false;  // was the PE busy in the period the next step simulates
    uint32_t mul_a = 0, mul_b = 0;  // the multiplier's inputs (operand registers) in the last period
    GlitchCounter::Totals glitch[2];  // per bucket (1: busy), this PE's periods
    uint64_t glitch_periods[2] = {0, 0};
};

// The multiplier alone, timed at the reference corner, for its glitches.
struct GlitchBench {
    GateNetlist netlist;
    TimedNetlist timed;
    GlitchCounter counter;
    GlitchBench(const GlitchSource& g, const LibertyLibrary& lib, double period_ps)
        : netlist(GateNetlist::read(g.netlist, lib)), timed(build(netlist, g.sdf, period_ps)), counter(timed, 2) {
        if (timed.width() != 8) fail(g.netlist.string() + ": the PE's multiplier is 8 bits wide, this one " + std::to_string(timed.width()));
    }
    static TimedNetlist build(const GateNetlist& n, const std::filesystem::path& sdf, double period_ps) {
        TimingConditions c;
        c.clock_period_ps = period_ps;  // the capture limit only; the counts run every cycle to its end
        c.cond = CondMode::Exact;       // SdfSim's semantics
        return TimedNetlist::build(n, SdfFile::read(sdf), c);
    }
};

void drive(Probe& p, const PeInputs& in) {
    CycleSim& s = *p.sim;
    s.set_input(p.act, in.act), s.set_input(p.act_valid, in.act_valid), s.set_input(p.flush, in.flush);
    s.set_input(p.weight, in.weight), s.set_input(p.weight_valid, in.weight_valid), s.set_input(p.psum, in.psum);
    if (p.load >= 0) s.set_input(p.load, in.load);
    if (p.drain >= 0) s.set_input(p.drain, in.drain);
}

uint64_t total(const std::vector<uint64_t>& v) {
    uint64_t t = 0;
    for (uint64_t x : v) t += x;
    return t;
}

}  // namespace

PeEnergyResult measure_pe_energy(const GemmJob& job_in, const PeEnergyOptions& o) {
    if (o.sample_pes < 1) fail("PE energy: --sample-pes " + std::to_string(o.sample_pes) + " must be at least 1");
    const LibertyLibrary lib = LibertyLibrary::read(o.sta.liberty);
    const GateNetlist netlist = GateNetlist::read(o.netlist, lib);
    const bool os = job_in.dataflow == Dataflow::OutputStationary;
    if (netlist.module_name() != (os ? "mac_pe_os" : "mac_pe_ws"))
        fail(o.netlist.string() + ": module " + netlist.module_name() + " is not the " + dataflow_name(job_in.dataflow) + " PE");

    if (o.voltage) {  // the range first: before any simulation or OpenSTA run
        double lo = 1e9, hi = 0;
        for (const auto& c : o.voltage->corners) {
            const double v = LibertyLibrary::read(c.second).nom_voltage();
            lo = std::min(lo, v), hi = std::max(hi, v);
        }
        if (!(o.voltage->volts >= lo - 1e-9 && o.voltage->volts <= hi + 1e-9))
            fail("--voltage " + std::to_string(o.voltage->volts) + ": the energy model is valid between the corners' supplies, " +
                 std::to_string(lo) + " .. " + std::to_string(hi) + " V");
    }
    ArrayCore core(o.rows, o.cols, MultiplierBackend::fast(std::make_shared<TransitionTable>(TransitionTable::clean())));
    std::vector<int32_t> c(static_cast<size_t>(job_in.shape.m) * static_cast<size_t>(job_in.shape.n));
    GemmJob job = job_in;
    job.c = c.data();
    job.regulation = 0;

    // Which PEs do any MAC of this GEMM (a first run of the array alone): the sample is drawn from
    // them, without replacement (a partial Fisher-Yates).
    std::vector<int> order;
    {
        std::vector<uint64_t> macs(static_cast<size_t>(o.rows * o.cols), 0);
        core.begin(job);
        while (core.running()) {
            core.step();
            for (int r = 0; r < o.rows; ++r)
                for (int col = 0; col < o.cols; ++col) macs[static_cast<size_t>(r * o.cols + col)] += core.pe(r, col).busy() ? 1 : 0;
        }
        for (size_t i = 0; i < macs.size(); ++i)
            if (macs[i]) order.push_back(static_cast<int>(i));
    }
    if (order.empty()) fail("PE energy: the GEMM does no MAC");
    core.begin(job);
    PeStimulus stim(core, job.dataflow);
    Rng rng(o.seed, 0x5045);
    const int n = std::min<int>(o.sample_pes, static_cast<int>(order.size()));
    for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
        const size_t j = i + rng.below(static_cast<uint32_t>(order.size() - i));
        std::swap(order[i], order[j]);
    }
    std::sort(order.begin(), order.begin() + n);
    std::unique_ptr<GlitchBench> glitch;
    if (o.glitches) glitch = std::make_unique<GlitchBench>(*o.glitches, lib, o.sta.clock_period_ps);
    std::vector<Probe> probes;
    for (int i = 0; i < n; ++i) {
        Probe p;
        p.r = order[static_cast<size_t>(i)] / o.cols, p.c = order[static_cast<size_t>(i)] % o.cols;
        p.sim = std::make_unique<CycleSim>(netlist, "clk", 2);  // bucket 1: busy periods
        CycleSim& s = *p.sim;
        p.act = s.input("act_in"), p.act_valid = s.input("act_valid_in"), p.flush = s.input("flush");
        p.weight = s.input("weight_in"), p.weight_valid = s.input("weight_valid_in"), p.psum = s.input("psum_in");
        if (os) p.drain = s.input("drain");
        else p.load = s.input("load");
        probes.push_back(std::move(p));
    }

    // The inputs of edge e_s are the ports' values in period s-1: the step that follows simulates
    // period s-1 (its edge e_{s-1}, then the logic settling on them).
    // The multiplier's inputs after a step are the operand registers of the period that follows it,
    // its bucket that period's.
    const auto glitches_of = [&](Probe& p) {
        const Pe& pe = core.pe(p.r, p.c);
        const uint16_t ab = Pe::pack(static_cast<int8_t>(pe.weight), static_cast<int8_t>(pe.act), job.weight_port);
        const int bucket = pe.busy() ? 1 : 0;
        const GlitchCounter::Totals t = glitch->counter.add(p.mul_a, p.mul_b, ab & 0xffu, ab >> 8, bucket);
        p.glitch[bucket].timed += t.timed, p.glitch[bucket].zero_delay += t.zero_delay, ++p.glitch_periods[bucket];
        p.mul_a = ab & 0xffu, p.mul_b = ab >> 8;
    };
    bool first = true;
    while (core.running()) {
        core.step();
        stim.after_step();
        for (Probe& p : probes) {
            drive(p, stim.at(p.r, p.c));
            if (!first) p.sim->step(p.busy_before ? 1 : 0);
            p.busy_before = stim.busy(p.r, p.c);
            if (glitch) glitches_of(p);
        }
        first = false;
    }
    stim.final_edge();
    for (Probe& p : probes) {
        drive(p, stim.at(p.r, p.c));
        p.sim->step(p.busy_before ? 1 : 0);
    }

    PeEnergyResult res;
    res.stats = core.stats();
    res.sampled_pes = n;
    res.used_pes = static_cast<int>(order.size());
    SwitchingActivity busy, idle;
    std::vector<double> tb, ti;
    for (const Probe& p : probes) {
        const SwitchingActivity& b = p.sim->activity(1);
        const SwitchingActivity& i = p.sim->activity(0);
        busy += b;
        idle += i;
        if (b.periods) tb.push_back(static_cast<double>(total(b.toggles)) / static_cast<double>(b.periods));
        if (i.periods) ti.push_back(static_cast<double>(total(i.toggles)) / static_cast<double>(i.periods));
    }
    res.sampled_busy = busy.periods, res.sampled_idle = idle.periods;
    res.toggles_busy = interval(tb), res.toggles_idle = interval(ti);
    StaPowerOptions so = o.sta;
    so.netlist = o.netlist;
    const std::filesystem::path work = o.sta.work_dir;
    if (busy.periods) {
        so.work_dir = work / "busy";
        res.busy = sta_power(so, netlist, busy);
        write_saif(so.work_dir / "activity.saif", netlist, busy, o.sta.clock_period_ps);
        res.energy_busy_pj = res.busy.energy_per_period() * 1e12;
    }
    if (idle.periods) {
        so.work_dir = work / "idle";
        res.idle = sta_power(so, netlist, idle);
        write_saif(so.work_dir / "activity.saif", netlist, idle, o.sta.clock_period_ps);
        res.energy_idle_pj = res.idle.energy_per_period() * 1e12;
    }
    // The multiplier's glitches per bucket: OpenSTA on its timed and its zero-delay activity.
    const auto glitch_energy = [&](int bucket, const std::string& name) -> std::optional<GlitchEnergy> {
        if (!glitch) return std::nullopt;
        const SwitchingActivity timed = glitch->counter.timed(bucket);
        if (!timed.periods) return std::nullopt;
        GlitchEnergy g;
        g.periods = timed.periods;
        std::vector<double> tt, tz;
        for (const Probe& p : probes) {
            const double periods = static_cast<double>(p.glitch_periods[bucket]);
            if (periods == 0) continue;
            tt.push_back(static_cast<double>(p.glitch[bucket].timed) / periods);
            tz.push_back(static_cast<double>(p.glitch[bucket].zero_delay) / periods);
        }
        g.toggles_timed = interval(tt), g.toggles_zero = interval(tz);
        StaPowerOptions m = o.sta;
        m.netlist = o.glitches->netlist;
        m.work_dir = work / ("glitch_" + name + "_timed");
        g.timed = sta_power(m, glitch->netlist, timed);
        write_saif(m.work_dir / "activity.saif", glitch->netlist, timed, o.sta.clock_period_ps);
        m.work_dir = work / ("glitch_" + name + "_zero");
        g.zero_delay = sta_power(m, glitch->netlist, glitch->counter.zero_delay(bucket));
        const double extra_w = g.timed.power.dynamic() - g.zero_delay.power.dynamic();
        g.extra_pj = extra_w * o.sta.clock_period_ps;  // W x ps = pJ
        return g;
    };
    res.glitch_busy = glitch_energy(1, "busy");
    res.glitch_idle = glitch_energy(0, "idle");
    if (res.glitch_busy) res.energy_busy_pj += res.glitch_busy->extra_pj;
    if (res.glitch_idle) res.energy_idle_pj += res.glitch_idle->extra_pj;
    res.volts = lib.nom_voltage();
    if (o.voltage) {
        // Each bucket's power at the three corners; the options' Liberty is the reference.
        const auto scaled = [&](const SwitchingActivity& act, const StaPowerResult& ref, const char* bucket, bool busy_bucket) {
            std::array<CornerPower, 3> cp;
            CornerPower r{"reference", lib.nom_voltage(), ref.power.dynamic(), ref.power.leakage, ref.period_ps};
            const std::optional<GlitchEnergy>& g = busy_bucket ? res.glitch_busy : res.glitch_idle;
            if (g) r.dynamic_w += g->extra_pj / ref.period_ps;  // dynamic: scales with V^2
            for (size_t k = 0; k < 3; ++k) {
                const auto& [name, liberty] = o.voltage->corners[k];
                StaPowerOptions c = so;
                c.liberty = liberty;
                c.work_dir = work / (std::string(bucket) + "_" + name);
                const StaPowerResult p = sta_power(c, netlist, act);
                cp[k] = {name, LibertyLibrary::read(liberty).nom_voltage(), p.power.dynamic(), p.power.leakage, p.period_ps};
                if (busy_bucket) res.corner_leakage_busy_w[k] = p.power.leakage, res.corner_volts[k] = cp[k].volts;
            }
            return VoltageEnergyModel(r, cp);
        };
        if (busy.periods) {
            res.busy_model = scaled(busy, res.busy, "busy", true);
            res.energy_busy_pj = res.busy_model->energy_pj(o.voltage->volts, o.sta.clock_period_ps);
        }
        if (idle.periods) {
            res.idle_model = scaled(idle, res.idle, "idle", false);
            res.energy_idle_pj = res.idle_model->energy_pj(o.voltage->volts, o.sta.clock_period_ps);
        }
        res.volts = o.voltage->volts;
        res.scaled = true;
    }
    const double busy_cycles = static_cast<double>(res.stats.busy_pe_cycles);
    const double idle_cycles = static_cast<double>(res.stats.pe_cycles - res.stats.busy_pe_cycles);
    if ((busy_cycles > 0 && !busy.periods) || (idle_cycles > 0 && !idle.periods))
        fail("PE energy: none of the " + std::to_string(n) + " sampled PEs had a " + (busy.periods ? "idle" : "busy") +
             " cycle, though the array had some: sample more PEs");
    res.energy_job_pj = busy_cycles * res.energy_busy_pj + idle_cycles * res.energy_idle_pj;
    res.energy_per_mac_pj = busy_cycles > 0 ? res.energy_job_pj / busy_cycles : 0;
    return res;
}

}  // namespace tesa
