// explore_cli_test.cpp -- `tesa explore` as users run it: a grid of two supplies at a clock with
// slack (the tables are proven error-free statically, in seconds), the whole chain from tables to
// energy (PE netlist, OpenSTA at three corners) to CSV, Markdown and plot; and bad grids refused
// before any work.
#include "apps/tesa/accelerator_commands.h"
#include "cli_test_util.h"

#include "common/file_util.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace {

using tesa::test::CliRun;
using tesa::test::contains;
using tesa::test::run_tesa;

const std::string& shared_out() {
    static const std::string dir = std::string(TESA_TEST_CACHE_DIR) + "/explore-cli-out";
    return dir;
}

std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> f;
    std::stringstream in(line);
    for (std::string x; std::getline(in, x, ',');) f.push_back(x);
    return f;
}

TEST(ExploreCli, WritesTheTradeoffTableAndPlotAndPricesEachSupply) {
    CliRun r = run_tesa({"explore", "--voltages", "1.10,1.14", "--clock-scales", "1.3", "--images", "40", "--array", "4x4", "--sample-pes",
                         "2", "--out", shared_out()},
                        &tesa::cli::accelerator_commands());
    ASSERT_EQ(r.code, 0) << r.err;
    const fs::path dir = fs::path(shared_out()) / "explore";
    const fs::path stem = dir / "lenet5-mnist_V1.100-1.140_T1643.6_ws_porta";
    ASSERT_TRUE(fs::exists(stem.string() + ".csv")) << r.out;
    EXPECT_TRUE(contains(tesa::read_file(stem.string() + ".md"), "energy saved")) << r.out;
    EXPECT_EQ(tesa::read_file(stem.string() + ".png").substr(0, 4), "\x89PNG");
    EXPECT_TRUE(contains(r.out, "results: ")) << r.out;

    std::stringstream csv(tesa::read_file(stem.string() + ".csv"));
    std::string line;
    std::getline(csv, line);
    const std::vector<std::string> head = split(line);
    const auto col = [&](const char* name) { return static_cast<size_t>(std::find(head.begin(), head.end(), name) - head.begin()); };
    const size_t v = col("supply_v"), acc = col("accuracy"), e = col("energy_nj_per_inference"), var = col("variant"), saved = col("energy_saved");
    ASSERT_LT(saved, head.size()) << line;
    int rows = 0;
    double e110 = 0, e114 = 0, base_acc = -1;
    while (std::getline(csv, line)) {
        const std::vector<std::string> f = split(line);
        ASSERT_EQ(f.size(), head.size()) << line;
        ++rows;
        if (base_acc < 0) base_acc = std::stod(f[acc]);
        EXPECT_EQ(std::stod(f[acc]), base_acc) << "no errors with this much slack: " << line;
        if (f[var] != "baseline") continue;
        (std::stod(f[v]) < 1.12 ? e110 : e114) = std::stod(f[e]);
        if (std::stod(f[v]) < 1.12) {
            EXPECT_EQ(std::stod(f[saved]), 0) << "the first supply is the reference";
        }
    }
    EXPECT_EQ(rows, 2 * 2 * 4) << "supplies x regulations x (baseline + 3 variants)";
    ASSERT_GT(e110, 0);
    // Dynamic energy goes with V^2 (1.074x); leakage, a small share, grows faster.
    EXPECT_GT(e114 / e110, 1.07);
    EXPECT_LT(e114 / e110, 1.09);
}

// --array-accuracy: every variant also on the cycle-accurate array (no errors with this much
// slack: the baseline's accuracy); --glitches: the energy with the multiplier's glitches
// (their sums: PeEnergy and PowerCli tests).
TEST(ExploreCli, ArrayAccuracyRowsBesideTheInjectedOnes) {
    CliRun r = run_tesa({"explore", "--voltages", "1.10", "--clock-scales", "1.3", "--images", "40", "--array", "4x4", "--sample-pes", "2",
                         "--regulation", "1.5sigma", "--no-plot", "--array-accuracy", "--glitches", "--out", shared_out()},
                        &tesa::cli::accelerator_commands());
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string stem = (fs::path(shared_out()) / "explore" / "lenet5-mnist_V1.100_T1643.6_ws_porta_glitches_array").string();
    EXPECT_TRUE(contains(tesa::read_file(stem + ".md"), "with the multiplier's glitches")) << r.out;
    std::stringstream csv(tesa::read_file(stem + ".csv"));
    std::string line;
    std::getline(csv, line);
    const std::vector<std::string> head = split(line);
    const auto col = [&](const char* name) { return static_cast<size_t>(std::find(head.begin(), head.end(), name) - head.begin()); };
    const size_t acc = col("accuracy"), var = col("variant"), err = col("errors");
    ASSERT_LT(err, head.size()) << line;
    double base_acc = -1;
    std::vector<std::string> array_variants;
    int injected = 0;
    while (std::getline(csv, line)) {
        const std::vector<std::string> f = split(line);
        ASSERT_EQ(f.size(), head.size()) << line;
        if (base_acc < 0) base_acc = std::stod(f[acc]);
        EXPECT_EQ(std::stod(f[acc]), base_acc) << line;
        if (f[err] == "array") array_variants.push_back(f[var]);
        if (f[err] == "paper") ++injected;
    }
    EXPECT_EQ(array_variants, (std::vector<std::string>{"TError", "WD+EAQ", "EAQ"}));
    EXPECT_EQ(injected, 3);
}

TEST(ExploreCli, BadGridsAreRefusedBeforeAnyWork) {
    const auto fails = [](std::vector<std::string> args, const std::string& msg) {
        args.insert(args.begin(), "explore");
        args.push_back("--out");
        args.push_back(shared_out() + "-bad");
        CliRun b = run_tesa(args, &tesa::cli::accelerator_commands());
        EXPECT_NE(b.code, 0);
        EXPECT_TRUE(contains(b.err, msg)) << b.err;
        EXPECT_FALSE(fs::exists(fs::path(shared_out() + "-bad") / "explore"));
    };
    fails({"--voltages", "1.10,0.9"}, "0.95");
    fails({"--voltages", "1.1,x"}, "--voltages");
    fails({"--dies", "2", "--sigma", "0"}, "needs --sigma");
    fails({"--regulation", ""}, "nothing to explore");
    fails({"--clock-scales", "0.9", "--frequencies-mhz", "800"}, "give the clocks once");
    fails({"--clock-scales", "9"}, "--clock-scales");
}

}  // namespace
