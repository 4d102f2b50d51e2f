// The PE as hardware (rtl/mac_pe.v) against the array's cycle model (sc_models/array_core.h): an
// R x C grid of Verilated PEs -- the RTL, and the Yosys netlist on Nangate45 -- wired as the
// dataflow says, its edges driven with the operands ArrayCore's edge PEs receive and its controls
// (load, flush, drain) decoded from ArrayCore's schedule. After every clock edge every
// register of every PE must equal ArrayCore's; at the end the outputs the grid's bottom row
// delivers must equal the GEMM. Random shapes, array sizes and operands, both dataflows, both
// weight ports. The power stage's zero-delay simulator (power/cycle_sim.h) runs the netlist of one
// PE of the grid on the same inputs: its outputs must equal the Verilated PE's.
#include "held_transitions.h"
#include "power/cycle_sim.h"
#include "rtl/gate_netlist.h"
#include "rtl/liberty_library.h"
#include "sc_models/array_core.h"
#include "sc_models/pe_energy.h"
#include "sc_models/pe_stimulus.h"
#include "test_util.h"
#include "timing/timing_test_util.h"

#include "Vmac_pe_os_net.h"
#include "Vmac_pe_os_rtl_a.h"
#include "Vmac_pe_os_rtl_b.h"
#include "Vmac_pe_ws_net.h"
#include "Vmac_pe_ws_rtl_a.h"
#include "Vmac_pe_ws_rtl_b.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <vector>

namespace tesa {
namespace {

struct Case {
    int rows, cols;
    GemmShape shape;
    uint64_t seed;
};

// Runs one GEMM through ArrayCore and the grid of `Model`s side by side; returns the number of
// register mismatches (each one is also reported).
// The zero-delay simulation of one PE's netlist beside the grid.
struct NetlistProbe {
    CycleSim* sim = nullptr;
    int act_in, act_valid_in, flush, weight_in, weight_valid_in, load, drain, psum_in;
    int act_out, act_valid_out, weight_out, weight_valid_out, psum_out;
    explicit NetlistProbe(CycleSim* s, bool os) : sim(s) {
        act_in = s->input("act_in"), act_valid_in = s->input("act_valid_in"), flush = s->input("flush");
        weight_in = s->input("weight_in"), weight_valid_in = s->input("weight_valid_in"), psum_in = s->input("psum_in");
        load = os ? -1 : s->input("load");
        drain = os ? s->input("drain") : -1;
        act_out = s->output("act_out"), act_valid_out = s->output("act_valid_out"), weight_out = s->output("weight_out");
        weight_valid_out = s->output("weight_valid_out"), psum_out = s->output("psum_out");
    }
};

template <class Model, bool OS>
int compare_grid(const Case& k, WeightPort port, NetlistProbe* probe = nullptr) {
    const int R = k.rows, C = k.cols;
    const GemmShape s = k.shape;
    std::mt19937_64 rng(k.seed);
    std::uniform_int_distribution<int> draw(-128, 127);
    std::vector<int8_t> a(static_cast<size_t>(s.m * s.k)), b(static_cast<size_t>(s.k * s.n));
    for (auto& x : a) x = static_cast<int8_t>(draw(rng));
    for (auto& x : b) x = static_cast<int8_t>(draw(rng));
    std::vector<int32_t> c(static_cast<size_t>(s.m * s.n)), c_grid(c.size(), 0), c_exact(c.size(), 0);
    for (int m = 0; m < s.m; ++m)
        for (int n = 0; n < s.n; ++n)
            for (int i = 0; i < s.k; ++i) c_exact[static_cast<size_t>(m * s.n + n)] += a[static_cast<size_t>(m * s.k + i)] * b[static_cast<size_t>(i * s.n + n)];

    ArrayCore core(R, C, MultiplierBackend::fast(test::clean_table()));
    GemmJob job;
    job.shape = s;
    job.a = a.data();
    job.b = b.data();
    job.c = c.data();
    job.dataflow = OS ? Dataflow::OutputStationary : Dataflow::WeightStationary;
    job.weight_port = port;
    core.begin(job);

    const auto at = [C](int r, int col) { return static_cast<size_t>(r * C + col); };
    std::vector<std::unique_ptr<Model>> grid;
    for (int i = 0; i < R * C; ++i) {
        grid.push_back(std::make_unique<Model>());
        grid.back()->clk = 0;
        grid.back()->eval();
    }
    std::vector<PeInputs> in(static_cast<size_t>(R * C));
    std::vector<int32_t> prev_psum(in.size(), 0), snapshot(in.size(), 0);
    using Phase = ArrayCore::Phase;
    ArrayCore::CycleInfo prev{Phase::Load, -1};  // the period before the first: nothing
    const int k_folds = (s.k + R - 1) / R, n_folds = (s.n + C - 1) / C;
    int fold = -1, prev_fold = -1, mismatches = 0;
    uint64_t cycle = 0;
    PeStimulus stimulus(core, job.dataflow);  // must decode the same inputs as the grid's wiring
    const auto same_inputs = [&] {
        for (int r = 0; r < R; ++r)
            for (int col = 0; col < C; ++col)
                if (!(stimulus.at(r, col) == in[static_cast<size_t>(r * C + col)]) && ++mismatches <= 10)
                    ADD_FAILURE() << "PeStimulus differs from the grid's inputs at PE(" << r << "," << col << "), cycle " << cycle;
    };

    const auto expect = [&](const char* what, int r, int col, int64_t got, int64_t want) {
        if (got == want) return;
        if (++mismatches <= 10)
            ADD_FAILURE() << what << " of PE(" << r << "," << col << ") after cycle " << cycle << ": grid " << got << ", ArrayCore " << want;
    };
    // One clock edge: inputs from the grid's registers (period before) and the edges' operands
    // (`now`: ArrayCore's registers of the period that begins), controls from the schedule.
    const auto edge = [&](const ArrayCore::CycleInfo* info, const std::vector<Pe>* now) {
        const bool fold_start = info && info->cycle == 0 && info->phase == (OS ? Phase::Compute : Phase::Load);
        for (int r = 0; r < R; ++r)
            for (int col = 0; col < C; ++col) {
                PeInputs& p = in[at(r, col)];
                p = PeInputs();
                if (col == 0) {
                    if (now) p.act = static_cast<uint8_t>((*now)[at(r, 0)].act), p.act_valid = (*now)[at(r, 0)].act_valid;
                } else {
                    p.act = grid[at(r, col - 1)]->act_out, p.act_valid = grid[at(r, col - 1)]->act_valid_out;
                }
                p.flush = fold_start && (r != 0 || col != 0);
                if (OS) {
                    if (r == 0) {
                        if (now) p.weight = static_cast<uint8_t>((*now)[at(0, col)].weight), p.weight_valid = (*now)[at(0, col)].weight_valid;
                    } else {
                        p.weight = grid[at(r - 1, col)]->weight_out, p.weight_valid = grid[at(r - 1, col)]->weight_valid_out;
                    }
                    p.drain = prev.phase == Phase::Drain;
                } else if (info && info->phase == Phase::Load && info->cycle == R - 1) {
                    p.load = 1;
                    p.weight = static_cast<uint8_t>((*now)[at(r, col)].weight), p.weight_valid = (*now)[at(r, col)].weight_valid;
                }
                p.psum = r == 0 ? 0u : grid[at(r - 1, col)]->psum_out;
            }
        if (probe) {  // the PE in the middle of the grid; its registers show these inputs one step later
            const PeInputs& p = in[at(R / 2, C / 2)];
            CycleSim& sim = *probe->sim;
            sim.set_input(probe->act_in, p.act), sim.set_input(probe->act_valid_in, p.act_valid), sim.set_input(probe->flush, p.flush);
            sim.set_input(probe->weight_in, p.weight), sim.set_input(probe->weight_valid_in, p.weight_valid);
            sim.set_input(probe->psum_in, p.psum);
            if (probe->load >= 0) sim.set_input(probe->load, p.load);
            if (probe->drain >= 0) sim.set_input(probe->drain, p.drain);
            sim.step();
            const Model& m = *grid[at(R / 2, C / 2)];
            expect("netlist act_out", R / 2, C / 2, static_cast<int64_t>(sim.read_output(probe->act_out)), m.act_out);
            expect("netlist act_valid_out", R / 2, C / 2, static_cast<int64_t>(sim.read_output(probe->act_valid_out)), m.act_valid_out);
            expect("netlist weight_out", R / 2, C / 2, static_cast<int64_t>(sim.read_output(probe->weight_out)), m.weight_out);
            expect("netlist weight_valid_out", R / 2, C / 2, static_cast<int64_t>(sim.read_output(probe->weight_valid_out)), m.weight_valid_out);
            expect("netlist psum_out", R / 2, C / 2, static_cast<int64_t>(sim.read_output(probe->psum_out)), m.psum_out);
        }
        for (size_t i = 0; i < grid.size(); ++i) {
            Model& m = *grid[i];
            const PeInputs& p = in[i];
            m.act_in = p.act, m.act_valid_in = p.act_valid, m.flush = p.flush;
            m.weight_in = p.weight, m.weight_valid_in = p.weight_valid, m.psum_in = p.psum;
            if constexpr (OS) m.drain = p.drain;
            else m.load = p.load;
            m.clk = 1;
            m.eval();
            m.clk = 0;
            m.eval();
        }
    };
    // The partial-sum registers after an edge: one period behind ArrayCore's psum; during an OS
    // drain the accumulators shift down instead (ArrayCore writes its outputs directly).
    const auto check_psum = [&] {
        for (int r = 0; r < R; ++r)
            for (int col = 0; col < C; ++col) {
                int32_t want = prev_psum[at(r, col)];
                if (OS && prev.phase == Phase::Drain) want = r - (prev.cycle + 1) >= 0 ? snapshot[at(r - (prev.cycle + 1), col)] : 0;
                expect("psum", r, col, static_cast<int32_t>(grid[at(r, col)]->psum_out), want);
            }
    };
    // WS: outputs leaving the bottom row, into c_grid (period `prev` just ended; the bottom register
    // now holds what the C++ model added to C then).
    const auto collect = [&] {
        if (OS || prev.phase != Phase::Stream) return;
        const int n0 = (prev_fold / k_folds) * C, nu = std::min(C, s.n - n0);
        for (int col = 0; col < nu; ++col) {
            const int m = prev.cycle - (R - 1) - col;
            if (m >= 0 && m < s.m) c_grid[static_cast<size_t>(m * s.n + n0 + col)] += static_cast<int32_t>(grid[at(R - 1, col)]->psum_out);
        }
    };
    // OS: the bottom register during drain period j holds row R-1-j's result.
    const auto collect_drain = [&](const ArrayCore::CycleInfo& info) {
        if (!OS || info.phase != Phase::Drain) return;
        const int m0 = (fold / n_folds) * R, n0 = (fold % n_folds) * C;
        const int mu = std::min(R, s.m - m0), nu = std::min(C, s.n - n0), row = R - 1 - info.cycle;
        for (int col = 0; col < nu; ++col)
            if (row < mu) c_grid[static_cast<size_t>((m0 + row) * s.n + n0 + col)] = static_cast<int32_t>(grid[at(R - 1, col)]->psum_out);
    };

    std::vector<Pe> now(in.size());
    while (core.running()) {
        core.step();
        const ArrayCore::CycleInfo info = core.last_cycle();
        if (info.cycle == 0 && info.phase == (OS ? Phase::Compute : Phase::Load)) ++fold;
        if (OS && info.phase == Phase::Drain && info.cycle == 0) snapshot = prev_psum;
        for (int r = 0; r < R; ++r)
            for (int col = 0; col < C; ++col) now[at(r, col)] = core.pe(r, col);
        edge(&info, &now);
        stimulus.after_step();
        same_inputs();
        for (int r = 0; r < R; ++r)
            for (int col = 0; col < C; ++col) {
                const Pe& p = now[at(r, col)];
                Model& m = *grid[at(r, col)];
                expect("act", r, col, static_cast<int8_t>(m.act_out), p.act);
                expect("act_valid", r, col, m.act_valid_out, p.act_valid);
                expect("weight", r, col, static_cast<int8_t>(m.weight_out), p.weight);
                expect("weight_valid", r, col, m.weight_valid_out, p.weight_valid);
            }
        check_psum();
        collect();
        collect_drain(info);
        for (size_t i = 0; i < in.size(); ++i) prev_psum[i] = now[i].psum;
        if (OS && info.phase == Phase::Drain) prev_psum = snapshot;  // held (start_fold zeroes it after the last drain)
        prev = info;
        prev_fold = fold;
        ++cycle;
    }
    edge(nullptr, nullptr);  // the last period's partial sums reach their registers
    stimulus.final_edge();
    same_inputs();
    check_psum();
    collect();
    EXPECT_EQ(c, c_exact) << "ArrayCore's GEMM";
    EXPECT_EQ(c_grid, c_exact) << "the grid's outputs";
    return mismatches;
}

std::vector<Case> cases(uint64_t seed, int count) {
    std::mt19937_64 rng(seed);
    const auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    std::vector<Case> out;
    // Wide arrays too: data of a fold still in flight in unused columns meets the flush.
    for (int i = 0; i < count; ++i) out.push_back({pick(1, 6), pick(1, 12), {pick(1, 16), pick(1, 16), pick(1, 16)}, rng()});
    return out;
}

template <class Model, bool OS>
void check_all(WeightPort port, uint64_t seed, int count, const char* netlist_dir = nullptr) {
    std::unique_ptr<LibertyLibrary> lib;
    std::unique_ptr<GateNetlist> netlist;
    if (netlist_dir) {
        lib = std::make_unique<LibertyLibrary>(LibertyLibrary::read(TESA_TEST_LIBERTY));
        netlist = std::make_unique<GateNetlist>(GateNetlist::read(std::string(TESA_TEST_SYNTH_DIR) + "/" + netlist_dir + "/netlist.v", *lib));
    }
    for (const Case& k : cases(seed, count)) {
        SCOPED_TRACE(::testing::Message() << k.rows << "x" << k.cols << " array, M=" << k.shape.m << " N=" << k.shape.n
                                          << " K=" << k.shape.k << ", seed " << k.seed);
        std::unique_ptr<CycleSim> sim;
        std::unique_ptr<NetlistProbe> probe;
        if (netlist) {
            sim = std::make_unique<CycleSim>(*netlist);
            probe = std::make_unique<NetlistProbe>(sim.get(), OS);
        }
        EXPECT_EQ((compare_grid<Model, OS>(k, port, probe.get())), 0);
    }
}

TEST(MacPe, WsRtlEqualsArrayCoreWeightPortA) { check_all<Vmac_pe_ws_rtl_a, false>(WeightPort::A, 1, 60); }
TEST(MacPe, WsRtlEqualsArrayCoreWeightPortB) { check_all<Vmac_pe_ws_rtl_b, false>(WeightPort::B, 2, 60); }
TEST(MacPe, OsRtlEqualsArrayCoreWeightPortA) { check_all<Vmac_pe_os_rtl_a, true>(WeightPort::A, 3, 60); }
TEST(MacPe, OsRtlEqualsArrayCoreWeightPortB) { check_all<Vmac_pe_os_rtl_b, true>(WeightPort::B, 4, 60); }
// The mapped netlists (cells from the Liberty's functions) behave as the RTL.
TEST(MacPe, WsNetlistEqualsArrayCore) { check_all<Vmac_pe_ws_net, false>(WeightPort::A, 5, 20); }
TEST(MacPe, OsNetlistEqualsArrayCore) { check_all<Vmac_pe_os_net, true>(WeightPort::A, 6, 20); }
// power/cycle_sim.h on the mapped netlist = the Verilated RTL, cycle by cycle.
TEST(MacPe, ZeroDelaySimOfTheWsNetlistEqualsTheRtl) { check_all<Vmac_pe_ws_rtl_a, false>(WeightPort::A, 7, 30, "mac_pe_ws_w8_a_typ"); }
TEST(MacPe, ZeroDelaySimOfTheOsNetlistEqualsTheRtl) { check_all<Vmac_pe_os_rtl_a, true>(WeightPort::A, 8, 30, "mac_pe_os_w8_a_typ"); }

}  // namespace
}  // namespace tesa

namespace tesa {
namespace {

// A random WS GEMM (activations all 0 when `zeros`) and its operands.
struct EnergyCase {
    std::vector<int8_t> a, b;
    GemmJob job;
    EnergyCase(GemmShape s, uint64_t data_seed, bool zeros) : a(static_cast<size_t>(s.m * s.k)), b(static_cast<size_t>(s.k * s.n)) {
        std::mt19937_64 rng(data_seed);
        for (auto& x : a) x = zeros ? 0 : static_cast<int8_t>(rng());
        for (auto& x : b) x = static_cast<int8_t>(rng());
        job.shape = s;
        job.a = a.data();
        job.b = b.data();
    }
};

// PE energy options on the WS netlist and the typical Liberty of the build, work under `work`.
PeEnergyOptions energy_options(int side, int sample, const std::filesystem::path& work) {
    PeEnergyOptions o;
    o.rows = o.cols = side, o.sample_pes = sample;
    o.netlist = std::string(TESA_TEST_SYNTH_DIR) + "/mac_pe_ws_w8_a_typ/netlist.v";
    o.sta.liberty = TESA_TEST_LIBERTY;
    o.sta.clock_period_ps = 1250;
    o.sta.work_dir = work;
    return o;
}

// Energy of a GEMM from the PE netlist's activity (sc_models/pe_energy.h): consistent sums, the
// same bits for the same seed, and data that toggles less costs less.
TEST(PeEnergy, BusyCyclesCostMoreThanIdleOnesAndQuietDataLess) {
    const test::TempDir dir;
    const auto measure = [&](const std::string& work, bool zeros, uint64_t seed) {
        const EnergyCase c({12, 6, 10}, 7, zeros);
        PeEnergyOptions o = energy_options(4, 5, dir.path / work);
        o.seed = seed;
        return measure_pe_energy(c.job, o);
    };
    const PeEnergyResult r = measure("random", false, 1);
    EXPECT_EQ(r.stats.busy_pe_cycles, 12u * 6u * 10u);
    EXPECT_EQ(r.sampled_pes, 5);
    EXPECT_EQ(r.sampled_busy + r.sampled_idle, 5 * r.stats.cycles) << "every cycle of every sampled PE is counted once";
    EXPECT_GT(r.energy_busy_pj, r.energy_idle_pj);
    EXPECT_GT(r.energy_idle_pj, r.busy.power.leakage * 1250e-12 * 1e12);
    const double busy = static_cast<double>(r.stats.busy_pe_cycles), idle = static_cast<double>(r.stats.pe_cycles) - busy;
    EXPECT_NEAR(r.energy_job_pj, busy * r.energy_busy_pj + idle * r.energy_idle_pj, 1e-9 * r.energy_job_pj);
    EXPECT_NEAR(r.energy_per_mac_pj, r.energy_job_pj / busy, 1e-12);
    EXPECT_GT(r.toggles_busy.mean, r.toggles_idle.mean);
    EXPECT_GT(r.toggles_busy.half_width, 0);
    EXPECT_LT(r.busy.max_rate_error, 2e-3) << r.busy.worst_pin;

    const PeEnergyResult again = measure("again", false, 1);
    EXPECT_EQ(again.energy_busy_pj, r.energy_busy_pj) << "same seed, same bits";
    EXPECT_EQ(again.toggles_busy.mean, r.toggles_busy.mean);
    const PeEnergyResult quiet = measure("quiet", true, 1);
    EXPECT_LT(quiet.toggles_busy.mean, r.toggles_busy.mean);
    EXPECT_LT(quiet.energy_busy_pj, r.energy_busy_pj);
}

// The voltage model at the typical corner's own supply gives the corner's energies; lower
// supplies cost less.
TEST(PeEnergy, VoltageScalingMeetsTheCornerAtItsVoltage) {
    const test::TempDir dir;
    const EnergyCase c({8, 4, 6}, 3, false);
    const GemmJob& job = c.job;
    PeEnergyOptions o = energy_options(3, 3, dir.path / "plain");
    o.sta.liberty_cache = dir.path / "liberty";
    const PeEnergyResult plain = measure_pe_energy(job, o);
    const std::filesystem::path pdk = TESA_TEST_PDK_DIR;
    VoltageScaling v;
    v.corners = {{{"slow", pdk / "nangate45_slow.lib.gz"}, {"typ", pdk / "nangate45_typ.lib.gz"}, {"fast", pdk / "nangate45_fast.lib.gz"}}};
    v.volts = 1.10;
    o.voltage = v;
    o.sta.work_dir = dir.path / "v110";
    const PeEnergyResult at_typ = measure_pe_energy(job, o);
    EXPECT_TRUE(at_typ.scaled);
    EXPECT_NEAR(at_typ.energy_busy_pj, plain.energy_busy_pj, 1e-3 * plain.energy_busy_pj);
    EXPECT_NEAR(at_typ.energy_idle_pj, plain.energy_idle_pj, 1e-3 * plain.energy_idle_pj);
    o.voltage->volts = 1.0;
    o.sta.work_dir = dir.path / "v100";
    const PeEnergyResult low = measure_pe_energy(job, o);
    EXPECT_LT(low.energy_busy_pj, 0.9 * plain.energy_busy_pj);
    EXPECT_GT(low.energy_busy_pj, 0.7 * plain.energy_busy_pj);
    o.voltage->volts = 0.9;
    test::expect_error([&] { measure_pe_energy(job, o); }, {"valid between the corners' supplies"});
}

// The multiplier's glitches (GlitchSource): the timed simulation's extra dynamic energy is added to
// each bucket's energy per period, and scales with the supply like the rest of the dynamic energy.
TEST(PeEnergy, GlitchesAddTheTimedMultipliersExtraDynamicEnergy) {
    const test::TempDir dir;
    const EnergyCase c({12, 6, 10}, 7, false);
    const std::filesystem::path pdk = TESA_TEST_PDK_DIR;
    VoltageScaling v;
    v.corners = {{{"slow", pdk / "nangate45_slow.lib.gz"}, {"typ", pdk / "nangate45_typ.lib.gz"}, {"fast", pdk / "nangate45_fast.lib.gz"}}};
    v.volts = 1.0;
    PeEnergyOptions o = energy_options(4, 5, dir.path / "plain");
    o.sta.liberty_cache = dir.path / "liberty";
    o.voltage = v;
    const PeEnergyResult plain = measure_pe_energy(c.job, o);
    const auto& tb = test::timed_booth(8);
    o.glitches = GlitchSource{tb.setup.netlist->file(), tb.setup.sta.sdf};
    o.sta.work_dir = dir.path / "glitches";
    const PeEnergyResult g = measure_pe_energy(c.job, o);
    ASSERT_FALSE(plain.glitch_busy);
    ASSERT_TRUE(g.glitch_busy && g.glitch_idle);
    EXPECT_EQ(g.glitch_busy->periods + g.glitch_idle->periods, g.sampled_busy + g.sampled_idle);
    EXPECT_GT(g.glitch_busy->factor(), 1.2);
    EXPECT_GT(g.glitch_busy->extra_pj, 0.05 * plain.energy_busy_pj);
    EXPECT_GE(g.glitch_busy->toggles_timed.mean, g.glitch_busy->toggles_zero.mean);
    const double scale = (1.0 / 1.1) * (1.0 / 1.1);
    EXPECT_NEAR(g.energy_busy_pj, plain.energy_busy_pj + scale * g.glitch_busy->extra_pj, 1e-6 * plain.energy_busy_pj);
    EXPECT_NEAR(g.energy_idle_pj, plain.energy_idle_pj + scale * g.glitch_idle->extra_pj, 1e-6 * plain.energy_idle_pj);
    EXPECT_TRUE(std::filesystem::exists(dir.path / "glitches" / "glitch_busy_timed" / "activity.saif"));
    o.glitches->sdf = dir.path / "missing.sdf";
    o.sta.work_dir = dir.path / "missing";
    test::expect_error([&] { measure_pe_energy(c.job, o); }, {"missing.sdf"});
}

}  // namespace
}  // namespace tesa
