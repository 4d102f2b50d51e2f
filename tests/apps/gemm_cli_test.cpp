// `tesa gemm`: both dataflows through the SystemC array (co-simulation back-end, its model built
// on demand at clock scale 0.85, which no model is compiled in for), cycles equal to the closed
// form, several runs in one process, and its input errors.
#include "cli_test_util.h"
#include "test_util.h"

#include "common/file_util.h"
#include "sc_models/pe_trace_file.h"
#include "timing/error_tables.h"

#include <filesystem>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

using namespace tesa::test;

namespace {

// One results directory for every gemm test and run, kept in the build tree: the co-simulation
// model of the accelerator's multiplier at 0.85 is built once (processes take turns to build it).
// The tests co-simulate the Verilated delay-line model (a minute to build); the sdf-sim program's
// model is checked in tests/sc_models/cosim_library_test.cpp (its compiled form takes minutes).
const std::string& shared_out() {
    static const std::string dir = std::string(TESA_TEST_CACHE_DIR) + "/gemm-cli-out";
    return dir;
}

CliRun gemm(std::vector<std::string> args) {
    args.insert(args.begin(), "gemm");
    if (std::find(args.begin(), args.end(), "--out") == args.end()) {
        args.push_back("--out");
        args.push_back(shared_out());
    }
    if (std::find(args.begin(), args.end(), "--semantics") == args.end()) {
        args.push_back("--semantics");
        args.push_back("delay-line");
    }
    return run_tesa(args, &tesa::cli::accelerator_commands());
}

TEST(AcceleratorCli, HelpListsTheFlowTheStagesAndTheAcceleratorCommands) {
    CliRun top = run_tesa({"--help"}, &tesa::cli::accelerator_commands());
    EXPECT_EQ(top.code, 0);
    for (const char* c : {"flow", "synth", "characterize", "study", "gemm", "array-study", "run", "version"})
        EXPECT_TRUE(contains(top.out, std::string("  ") + c + " ")) << c << "\n" << top.out;
    CliRun core = run_tesa({"gemm", "--help"});
    EXPECT_EQ(core.code, 2) << "tesa-core, the model generator, has no accelerator commands";
}

TEST(GemmCli, BothDataflowsReportClosedFormCyclesAndErrors) {
    for (const char* d : {"ws", "os"}) {
        CliRun r = gemm({"--backend", "cosim", "--clock-scale", "0.85", "--array", "6x5", "--dataflow", d, "--m", "17", "--n", "9",
                         "--k", "23", "--regulation", "1"});
        ASSERT_EQ(r.code, 0) << r.err;
        std::smatch mt;
        ASSERT_TRUE(std::regex_search(r.out, mt, std::regex(R"(cycles +(\d+) \(closed form (\d+)\))"))) << r.out;
        EXPECT_EQ(mt[1], mt[2]);
        ASSERT_TRUE(std::regex_search(r.out, mt, std::regex(R"((\d+) MACs, (\d+) slow .*, (\d+) wrong products)"))) << r.out;
        EXPECT_EQ(mt[1], "3519");  // 17 x 9 x 23
        EXPECT_EQ(mt[2], "3519");  // regulation 1: every busy cycle slow
        EXPECT_GT(std::stoi(mt[3]), 0) << "clock scale 0.85 fails some products";
        EXPECT_TRUE(contains(r.out, "clock scale 0.85 (T_clk 1074.7 ps)")) << r.out;
        EXPECT_TRUE(contains(r.out, std::string(d) + " dataflow")) << r.out;
        // the PE synthesized for this dataflow (rtl/mac_pe.v), times 30
        ASSERT_TRUE(std::regex_search(r.out, mt, std::regex(R"(hardware +PE ([0-9.]+) um\^2; 6x5 array of PEs ([0-9.]+) um\^2)"))) << r.out;
        EXPECT_NEAR(std::stod(mt[2]), 30 * std::stod(mt[1]), 3);
    }
}

TEST(GemmCli, TracesHoldEveryBusyCycleOfTheChosenPes) {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("tesa_gemm_" + std::to_string(::getpid()));
    const std::string trace = (dir / "t.h5").string(), vcd = (dir / "t.vcd").string();
    CliRun r = gemm({"--backend", "cosim", "--clock-scale", "0.85", "--array", "4x3", "--dataflow", "os", "--m", "9", "--n", "7", "--k",
                     "11", "--regulation", "1", "--trace", trace, "--vcd", vcd, "--trace-pes", "all", "--trace-cycles", "0:100000"});
    ASSERT_EQ(r.code, 0) << r.err;
    std::smatch mt;
    ASSERT_TRUE(std::regex_search(r.out, mt, std::regex(R"((\d+) wrong products)"))) << r.out;
    tesa::PeTraceInfo info;
    const std::vector<tesa::PeCycleRecord> rs = tesa::read_pe_trace(trace, &info);
    EXPECT_EQ(rs.size(), 9u * 7 * 11) << "every MAC of the GEMM";
    uint64_t wrong = 0;
    for (const auto& x : rs) {
        wrong += x.product != x.exact;
        EXPECT_EQ(x.exact, static_cast<int8_t>(x.current & 0xff) * static_cast<int8_t>(x.current >> 8));
        EXPECT_TRUE(x.slow);
    }
    EXPECT_EQ(std::to_string(wrong), mt[1].str());
    EXPECT_EQ(info.dataflow, "os");
    EXPECT_EQ(info.rows, 4);
    EXPECT_EQ(info.shape.k, 11);
    const std::string v = tesa::read_file(vcd);
    EXPECT_TRUE(contains(v, "$scope module pe_3_2 $end")) << v.substr(0, 400);
    EXPECT_TRUE(contains(v, "$enddefinitions"));
    EXPECT_FALSE(contains(r.out, "Info:")) << "SystemC's messages stay out of the report";

    // one PE over a window: only its busy cycles inside the window
    r = gemm({"--backend", "cosim", "--clock-scale", "0.85", "--array", "4x3", "--dataflow", "os", "--m", "9", "--n", "7", "--k", "11",
              "--trace", trace, "--trace-pes", "1,2", "--trace-cycles", "5:12"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto one = tesa::read_pe_trace(trace);
    ASSERT_FALSE(one.empty());
    for (const auto& x : one) {
        EXPECT_EQ(x.row, 1);
        EXPECT_EQ(x.col, 2);
        EXPECT_GE(x.cycle, 5u);
        EXPECT_LE(x.cycle, 12u);
    }
    EXPECT_EQ(one.size(), 8u) << "PE (1,2) is busy in cycles r + c = 3 to 3 + K - 1 = 13, so in all of 5..12";
    std::filesystem::remove_all(dir);
}

TEST(GemmCli, CosimRefusesTablesOfAnotherNetlistOrDelays) {
    // Another multiplier's tables: co-simulating the built-in multiplier with their clock would
    // silently compare two designs. The model must come from the table's own netlist and SDF.
    tesa::test::TempDir dir;
    tesa::ErrorTables t;
    t.width = 8;
    t.clock_ps = 1011.4;
    t.clock_scale = 0.8;
    t.corner = "typ";
    t.time_step_ps = 10;
    t.semantics = "sdf-sim";
    t.netlist_hash = "0123456789abcdef";
    t.sdf_hash = "fedcba9876543210";
    const std::filesystem::path f = dir.path / "other.h5";
    t.offsets.assign((1u << 16) + 1, 0);
    ASSERT_NO_THROW(t.write(f));
    CliRun r = gemm({"--backend", "cosim", "--tables", f.string()});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(contains(r.err, "was made from netlist 0123456789abcdef and SDF fedcba9876543210")) << r.err;
    EXPECT_TRUE(contains(r.err, "a timed model of the table's own netlist and delays is needed")) << r.err;
}

TEST(GemmCli, BadInputIsReported) {
    CliRun r = gemm({"--array", "16by16"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(contains(r.err, "--array '16by16': expected ROWSxCOLS")) << r.err;
    r = gemm({"--dataflow", "rs", "--backend", "cosim", "--clock-scale", "0.85"});
    EXPECT_TRUE(contains(r.err, "unknown dataflow 'rs'")) << r.err;
    r = gemm({"--backend", "fast", "--semantics", "transport", "--clock-scale", "0.83"});
    EXPECT_TRUE(contains(r.err, "no error tables cached")) << r.err;
    EXPECT_TRUE(contains(r.err, "--semantics transport")) << "the command that makes them: " << r.err;
    r = gemm({"--backend", "fast", "--tables", "/nonexistent/t.h5"});
    EXPECT_TRUE(contains(r.err, "/nonexistent/t.h5: no such file")) << r.err;
    r = gemm({"--backend", "cosim", "--clock-scale", "0.85", "--trace", "/tmp/x.h5", "--trace-pes", "16,0"});
    EXPECT_TRUE(contains(r.err, "--trace-pes row: 16 is out of range (valid: 0 .. 15)")) << r.err;
    tesa::test::expect_error([] { tesa::read_pe_trace("/nonexistent/trace.h5"); }, {"/nonexistent/trace.h5: no such file"});
    r = gemm({"--backend", "cosim", "--clock-scale", "0.85", "--m", "0"});
    EXPECT_TRUE(contains(r.err, "--m: 0 is out of range (valid: [1, 16384])")) << r.err;
    EXPECT_EQ(r.code, 2) << "an option out of range is a usage error";
    r = gemm({"--backend", "cosim", "--clock-scale", "0.85", "--m", "16384", "--k", "16384"});
    EXPECT_TRUE(contains(r.err, "--m x --k (A's elements): 16384 x 16384 exceeds")) << r.err;
    // A trace path that is a directory: a clear error, and no temporary file left beside it.
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("tesa_trace_dir_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / "t.h5");
    r = gemm({"--backend", "cosim", "--clock-scale", "0.85", "--m", "4", "--n", "4", "--k", "4", "--trace", (dir / "t.h5").string()});
    EXPECT_NE(r.code, 0);
    EXPECT_TRUE(contains(r.err, "t.h5: is a directory")) << r.err;
    size_t entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) entries += e.path().filename() != "t.h5";
    EXPECT_EQ(entries, 0u) << "no .tmp file left";
    std::filesystem::remove_all(dir);
}

}  // namespace

// `tesa power`: energy per busy / idle PE-cycle and per MAC of a random GEMM, next to Horowitz's
// figures, and the options that do not go together.
TEST(PowerCli, ReportsEnergyPerPeCycleAndPerMac) {
    CliRun r = run_tesa({"power", "--array", "4x4", "--m", "8", "--n", "4", "--k", "6", "--sample-pes", "3", "--dataflow", "os", "--out",
                         shared_out()},
                        &tesa::cli::accelerator_commands());
    ASSERT_EQ(r.code, 0) << r.err;
    std::smatch mt;
    ASSERT_TRUE(std::regex_search(r.out, mt, std::regex(R"(busy +([0-9.]+) pJ per PE-cycle)"))) << r.out;
    const double busy = std::stod(mt[1]);
    ASSERT_TRUE(std::regex_search(r.out, mt, std::regex(R"(idle +([0-9.]+) pJ per PE-cycle)"))) << r.out;
    const double idle = std::stod(mt[1]);
    EXPECT_GT(busy, idle);
    EXPECT_GT(idle, 0);
    ASSERT_TRUE(std::regex_search(r.out, mt, std::regex(R"(([0-9.]+) pJ per MAC)"))) << r.out;
    EXPECT_GT(std::stod(mt[1]), busy) << "idle PE-cycles add to the energy per MAC";
    EXPECT_TRUE(contains(r.out, "mac_pe_os")) << r.out;
    EXPECT_TRUE(contains(r.out, "Horowitz")) << r.out;
    EXPECT_TRUE(contains(r.out, "3 of the 16 PEs with MACs")) << r.out;

    const auto fails = [](std::vector<std::string> args, const std::string& msg) {
        args.insert(args.begin(), "power");
        CliRun b = run_tesa(args, &tesa::cli::accelerator_commands());
        EXPECT_NE(b.code, 0);
        EXPECT_TRUE(contains(b.err, msg)) << b.err;
    };
    fails({"--layer", "2", "--out", shared_out()}, "--layer needs --network");
    fails({"--network", "lenet5-mnist", "--m", "4", "--out", shared_out()}, "does not go with --network");
    fails({"--voltage", "0.9", "--out", shared_out()}, "outside [0.95, 1.25] V");
    fails({"--sample-pes", "0", "--out", shared_out()}, "sample-pes");
}

// --glitches: the multiplier's timed simulation adds its glitches to the busy PE-cycles' energy.
TEST(PowerCli, GlitchesAddTheTimedMultipliersEnergy) {
    const auto busy_pj = [](bool glitches) {
        std::vector<std::string> args{"power", "--array", "4x4", "--m", "8", "--n", "4", "--k", "6", "--sample-pes", "3", "--out", shared_out()};
        if (glitches) args.push_back("--glitches");
        CliRun r = run_tesa(args, &tesa::cli::accelerator_commands());
        EXPECT_EQ(r.code, 0) << r.err;
        std::smatch mt;
        EXPECT_TRUE(std::regex_search(r.out, mt, std::regex(R"(busy +([0-9.]+) pJ per PE-cycle)"))) << r.out;
        EXPECT_EQ(contains(r.out, "glitches    busy: the multiplier's transitions per period"), glitches) << r.out;
        return mt.size() > 1 ? std::stod(mt[1]) : 0.0;
    };
    const double plain = busy_pj(false), with = busy_pj(true);
    EXPECT_GT(with, 1.05 * plain);
}
