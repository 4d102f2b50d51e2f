// Power by OpenSTA from per-net rates (power/sta_power.h) and the zero-delay activity simulator
// (power/cycle_sim.h), on the PE netlist (rtl/mac_pe.v) synthesized at configure time.
#include "power/cycle_sim.h"
#include "power/saif_file.h"
#include "power/voltage_energy.h"
#include "common/file_util.h"
#include "power/sta_power.h"
#include "rtl/gate_netlist.h"
#include "rtl/liberty_library.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace tesa {
namespace {

const LibertyLibrary& typ_lib() {
    static const LibertyLibrary lib = LibertyLibrary::read(TESA_TEST_LIBERTY);
    return lib;
}

std::filesystem::path pe_netlist(const char* df) { return std::string(TESA_TEST_SYNTH_DIR) + "/mac_pe_" + df + "_w8_a_typ/netlist.v"; }

StaPowerOptions options(const char* df, const test::TempDir& dir, const std::string& work) {
    StaPowerOptions o;
    o.netlist = pe_netlist(df);
    o.liberty = TESA_TEST_LIBERTY;
    o.work_dir = dir.path / work;
    o.clock_period_ps = 1250;
    return o;
}

// A flip-flop whose D is its inverted Q toggles every period; the inverter's output with it.
TEST(CycleSim, ToggleFlipFlopCountsOneTransitionPerPeriod) {
    const GateNetlist n = GateNetlist::parse(
        "module t(clk, q);\n  input clk;\n  output q;\n  wire d;\n"
        "  DFF_X1 r (.CK(clk), .D(d), .Q(q), .QN());\n  INV_X1 i (.A(q), .ZN(d));\nendmodule\n",
        "t.v", typ_lib());
    CycleSim sim(n);
    const int q = sim.output("q");
    for (int k = 0; k < 100; ++k) {
        sim.step();
        // the first edge samples d = !0 = 1 (every net starts at 0, then settles)
        EXPECT_EQ(sim.read_output(q), static_cast<uint64_t>((k + 1) % 2)) << k;
    }
    const SwitchingActivity& a = sim.activity();
    EXPECT_EQ(a.periods, 100u);
    const int qn = n.find_port("q")->bits[0];
    EXPECT_EQ(a.toggles[static_cast<size_t>(qn)], 100u);
    EXPECT_DOUBLE_EQ(a.duty(qn), 0.5);
}

TEST(Saif, HoldsEveryNetsTimesAtZeroAndOneAndItsToggles) {
    const GateNetlist n = GateNetlist::parse(
        "module t(clk, q);\n  input clk;\n  output q;\n  wire \\d.x[0] ;\n"
        "  DFF_X1 r (.CK(clk), .D(\\d.x[0] ), .Q(q), .QN());\n  INV_X1 i (.A(q), .ZN(\\d.x[0] ));\nendmodule\n",
        "t.v", typ_lib());
    CycleSim sim(n);
    for (int k = 0; k < 1000; ++k) sim.step();
    const test::TempDir dir;
    write_saif(dir.path / "t.saif", n, sim.activity(), 1000);
    const std::string saif = read_file(dir.path / "t.saif");
    EXPECT_NE(saif.find("(DESIGN \"t\")"), std::string::npos) << saif;
    EXPECT_NE(saif.find("(DURATION 1000000)"), std::string::npos) << saif;
    EXPECT_NE(saif.find("(q (T0 500000) (T1 500000) (TX 0) (TC 1000) (IG 0))"), std::string::npos) << saif;
    EXPECT_NE(saif.find("(d\\.x\\[0\\] (T0 500000) (T1 500000) (TX 0) (TC 1000) (IG 0))"), std::string::npos) << saif;
    EXPECT_EQ(saif_identifier("psum_out[9]"), "psum_out\\[9\\]");
    SwitchingActivity wrong;
    test::expect_error([&] { write_saif(dir.path / "w.saif", n, wrong, 1000); }, {"w.saif", "nets"});
}

// The voltage model goes through its corners: dynamic energy x (V / V_ref)^2, leakage exactly at
// each corner and in between them; outside the corners' range it refuses.
TEST(VoltageEnergy, ScalesDynamicEnergyAndInterpolatesLeakageThroughTheCorners) {
    const CornerPower typ{"typ", 1.10, 1e-3, 17e-6, 1250};
    const std::array<CornerPower, 3> corners{{{"slow", 0.95, 0, 11e-6, 4000}, typ, {"fast", 1.25, 0, 58e-6, 700}}};
    const VoltageEnergyModel m(typ, corners);
    EXPECT_NEAR(m.dynamic_pj(1.10), 1e-3 * 1250, 1e-12);
    EXPECT_NEAR(m.dynamic_pj(1.00), 1.25 * (1.0 / 1.1) * (1.0 / 1.1), 1e-12);
    for (const CornerPower& c : corners) EXPECT_NEAR(m.leakage_w(c.volts), c.leakage_w, 1e-9 * c.leakage_w) << c.corner;
    EXPECT_GT(m.leakage_w(1.0), 11e-6);
    EXPECT_LT(m.leakage_w(1.0), 17e-6);
    EXPECT_NEAR(m.energy_pj(1.0, 2000), m.dynamic_pj(1.0) + m.leakage_w(1.0) * 2000, 1e-12);
    EXPECT_DOUBLE_EQ(m.min_volts(), 0.95);
    EXPECT_DOUBLE_EQ(m.max_volts(), 1.25);
    test::expect_error([&] { m.energy_pj(0.9, 1000); }, {"0.900 V is outside", "0.950 .. 1.250 V"});
    test::expect_error([&] { m.dynamic_pj(1.3); }, {"outside"});
    const std::array<CornerPower, 3> same{{{"a", 1.1, 0, 1e-6, 1}, {"b", 1.1, 0, 2e-6, 1}, {"c", 1.2, 0, 3e-6, 1}}};
    test::expect_error([&] { VoltageEnergyModel bad(typ, same); }, {"same voltage"});
}

TEST(CycleSim, UnsupportedCellsAndLoopsAreNamed) {
    const GateNetlist loop = GateNetlist::parse(
        "module l(clk, z);\n  input clk;\n  output z;\n  wire w;\n  INV_X1 a (.A(z), .ZN(w));\n  INV_X1 b (.A(w), .ZN(z));\nendmodule\n",
        "loop.v", typ_lib());
    test::expect_error([&] { CycleSim s(loop); }, {"loop.v", "combinational loop"});
    const GateNetlist noclk = GateNetlist::parse("module m(a, z);\n  input a;\n  output z;\n  INV_X1 i (.A(a), .ZN(z));\nendmodule\n", "m.v",
                                                 typ_lib());
    test::expect_error([&] { CycleSim s(noclk); }, {"m.v", "no 1-bit input port 'clk'"});
}

// The per-pin annotation with every net at one rate and duty = OpenSTA's own global activity.
TEST(StaPower, UniformRatesPerPinEqualOpenStasGlobalActivity) {
    for (const char* df : {"ws", "os"}) {
        SCOPED_TRACE(df);
        const GateNetlist n = GateNetlist::read(pe_netlist(df), typ_lib());
        SwitchingActivity act;
        act.periods = 1000;
        act.toggles.assign(static_cast<size_t>(n.net_count()), 150);
        act.high.assign(static_cast<size_t>(n.net_count()), 500);
        act.toggles[GateNetlist::kConst0] = act.toggles[GateNetlist::kConst1] = 0;
        act.high[GateNetlist::kConst0] = 0, act.high[GateNetlist::kConst1] = 1000;
        const test::TempDir dir;
        const StaPowerResult per_pin = sta_power(options(df, dir, "pin"), n, act);
        const StaPowerResult global = sta_power_global(options(df, dir, "global"), n, 0.15, 0.5);
        EXPECT_EQ(per_pin.instances, static_cast<int>(n.instances().size()));
        EXPECT_GT(per_pin.driver_pins, 500);
        // OpenSTA prints the rates it used with 4 digits
        EXPECT_LT(per_pin.max_rate_error, 2e-4) << per_pin.worst_pin;
        EXPECT_GT(global.power.total(), 0);
        EXPECT_NEAR(per_pin.power.switching, global.power.switching, 2e-4 * global.power.switching);
        EXPECT_NEAR(per_pin.power.leakage, global.power.leakage, 1e-6 * global.power.leakage);
        // Internal power differs in the cells with state-dependent arcs over three or more pins
        // (NAND3/4, AND3, OR3/4, NOR3: 7-9% on their share, about 1% of the total): OpenSTA
        // evaluates those `when` duties differently for annotated pins than under -global.
        EXPECT_NEAR(per_pin.power.internal, global.power.internal, 5e-3 * global.power.internal);
    }
}

// Activity from a random stream through the WS PE reaches OpenSTA as measured, and power follows
// the activity: a busier stream costs more energy per period.
TEST(StaPower, MeasuredRatesReachOpenStaAndMoreActivityCostsMoreEnergy) {
    const GateNetlist n = GateNetlist::read(pe_netlist("ws"), typ_lib());
    const auto run = [&](double change, uint64_t seed) {
        CycleSim sim(n);
        std::mt19937_64 rng(seed);
        std::bernoulli_distribution flip(change);
        const int act = sim.input("act_in"), av = sim.input("act_valid_in"), w = sim.input("weight_in"), wv = sim.input("weight_valid_in"),
                  load = sim.input("load"), ps = sim.input("psum_in");
        uint64_t a = 0, p = 0;
        sim.set_input(w, 0x5b), sim.set_input(wv, 1), sim.set_input(load, 1);
        sim.step();
        sim.set_input(load, 0);
        for (int k = 0; k < 2000; ++k) {
            for (int b = 0; b < 8; ++b) a ^= static_cast<uint64_t>(flip(rng)) << b;
            for (int b = 0; b < 32; ++b) p ^= static_cast<uint64_t>(flip(rng)) << b;
            sim.set_input(act, a), sim.set_input(av, 1), sim.set_input(ps, p);
            sim.step();
        }
        return sim.activity();
    };
    const test::TempDir dir;
    const StaPowerResult quiet = sta_power(options("ws", dir, "quiet"), n, run(0.05, 1));
    const StaPowerResult busy = sta_power(options("ws", dir, "busy"), n, run(0.5, 2));
    for (const StaPowerResult* r : {&quiet, &busy}) {
        EXPECT_EQ(r->instances, static_cast<int>(n.instances().size()));
        EXPECT_GT(r->driver_pins, 500);
        // two 4-digit roundings (the calibration's read-back and the check's) on rates up to ~1
        EXPECT_LT(r->max_rate_error, 2e-3) << r->worst_pin;
        EXPECT_NEAR(r->energy_per_period(), r->power.total() * 1250e-12, 1e-20);
    }
    EXPECT_GT(busy.power.switching, 2 * quiet.power.switching);
    EXPECT_GT(busy.power.internal, quiet.power.internal);
    EXPECT_NEAR(busy.power.leakage, quiet.power.leakage, 0.2 * quiet.power.leakage);
}

// A Liberty with cells and timing but no power data, and one OpenSTA refuses (no thresholds).
const char* kNoPowerLiberty =
    "library (nopower) {\n"
    "  delay_model : table_lookup;\n"
    "  time_unit : \"1ns\";\n"
    "  voltage_unit : \"1V\";\n"
    "  current_unit : \"1mA\";\n"
    "  capacitive_load_unit (1, ff);\n"
    "  nom_voltage : 1.1;\n"
    "  nom_temperature : 25;\n"
    "  nom_process : 1;\n"
    "  input_threshold_pct_rise : 50; input_threshold_pct_fall : 50; output_threshold_pct_rise : 50; output_threshold_pct_fall : 50;\n"
    "  slew_lower_threshold_pct_rise : 20; slew_lower_threshold_pct_fall : 20; slew_upper_threshold_pct_rise : 80; slew_upper_threshold_pct_fall : 80;\n"
    "  cell (INV_X1) {\n"
    "    area : 0.5;\n"
    "    pin (A) { direction : input; capacitance : 1.0; }\n"
    "    pin (ZN) { direction : output; function : \"!A\"; timing () { related_pin : \"A\"; timing_sense : negative_unate; cell_rise (scalar) { values (\"0.01\"); } cell_fall (scalar) { values (\"0.01\"); } rise_transition (scalar) { values (\"0.01\"); } fall_transition (scalar) { values (\"0.01\"); } } }\n"
    "  }\n"
    "  cell (DFF_X1) {\n"
    "    area : 4.5;\n"
    "    ff (\"IQ\", \"IQN\") { next_state : \"D\"; clocked_on : \"CK\"; }\n"
    "    pin (D) { direction : input; capacitance : 1.0; timing () { related_pin : \"CK\"; timing_type : setup_rising; rise_constraint (scalar) { values (\"0.02\"); } fall_constraint (scalar) { values (\"0.02\"); } } }\n"
    "    pin (CK) { direction : input; clock : true; capacitance : 1.0; }\n"
    "    pin (Q) { direction : output; function : \"IQ\"; timing () { related_pin : \"CK\"; timing_type : rising_edge; cell_rise (scalar) { values (\"0.05\"); } cell_fall (scalar) { values (\"0.05\"); } rise_transition (scalar) { values (\"0.01\"); } fall_transition (scalar) { values (\"0.01\"); } } }\n"
    "    pin (QN) { direction : output; function : \"IQN\"; }\n"
    "  }\n"
    "}\n";

TEST(StaPower, ALibertyWithoutPowerTablesAndOpenStaFailingAreNamed) {
    const test::TempDir dir;
    write_file_atomic(dir.path / "np.lib", kNoPowerLiberty);
    write_file_atomic(dir.path / "t.v",
                      "module t(clk, a, z);\n  input clk;\n  input a;\n  output z;\n  wire q;\n"
                      "  DFF_X1 r (.CK(clk), .D(a), .Q(q), .QN());\n  INV_X1 i (.A(q), .ZN(z));\nendmodule\n");
    const LibertyLibrary lib = LibertyLibrary::read(dir.path / "np.lib");
    const GateNetlist n = GateNetlist::read(dir.path / "t.v", lib);
    StaPowerOptions o;
    o.netlist = dir.path / "t.v";
    o.liberty = dir.path / "np.lib";
    o.work_dir = dir.path / "work";
    test::expect_error([&] { sta_power_global(o, n, 0.1, 0.5); }, {"np.lib", "no internal or leakage power", "without power tables"});
    EXPECT_FALSE(std::filesystem::exists(o.work_dir));
    std::string broken = kNoPowerLiberty;
    const size_t at = broken.find("  input_threshold_pct_rise");
    broken.erase(at, broken.find('\n', at) + 1 - at);
    write_file_atomic(dir.path / "broken.lib", broken);
    o.liberty = dir.path / "broken.lib";
    test::expect_error([&] { sta_power_global(o, n, 0.1, 0.5); }, {"OpenSTA failed", "broken.lib", "thresholds"});
    EXPECT_FALSE(std::filesystem::exists(o.work_dir));
}

TEST(StaPower, BadInputIsNamed) {
    const GateNetlist n = GateNetlist::read(pe_netlist("ws"), typ_lib());
    const test::TempDir dir;
    StaPowerOptions o = options("ws", dir, "bad");
    o.liberty = dir.path / "missing.lib";
    test::expect_error([&] { sta_power_global(o, n, 0.1, 0.5); }, {"missing.lib: no such file"});
    o = options("ws", dir, "bad");
    o.clock_period_ps = 0;
    test::expect_error([&] { sta_power_global(o, n, 0.1, 0.5); }, {"clock period", "must be positive"});
    SwitchingActivity short_act;
    short_act.periods = 10;
    short_act.toggles.assign(3, 0), short_act.high.assign(3, 0);
    test::expect_error([&] { sta_power(options("ws", dir, "bad"), n, short_act); }, {"does not fit", "netlist.v"});
    EXPECT_FALSE(std::filesystem::exists(dir.path / "bad")) << "nothing is left half-written";
}

}  // namespace
}  // namespace tesa
