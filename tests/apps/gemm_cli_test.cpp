// `tesa gemm`: both dataflows through the SystemC array (co-simulation back-end, compiled in),
// cycles equal to the closed form, several runs in one process, and its input errors.
#include "cli_test_util.h"

#include <gtest/gtest.h>

#include <regex>

using namespace tesa::test;

namespace {

CliRun gemm(std::vector<std::string> args) {
    args.insert(args.begin(), "gemm");
    return run_tesa(args, &tesa::cli::accelerator_commands());
}

TEST(GemmCli, BothDataflowsReportClosedFormCyclesAndErrors) {
    for (const char* d : {"ws", "os"}) {
        CliRun r = gemm({"--backend", "cosim", "--clock-scale", "0.8", "--array", "6x5", "--dataflow", d, "--m", "17", "--n", "9",
                         "--k", "23", "--regulation", "1", "--out", "/nonexistent-tesa-out"});
        ASSERT_EQ(r.code, 0) << r.err;
        std::smatch mt;
        ASSERT_TRUE(std::regex_search(r.out, mt, std::regex(R"(cycles +(\d+) \(closed form (\d+)\))"))) << r.out;
        EXPECT_EQ(mt[1], mt[2]);
        ASSERT_TRUE(std::regex_search(r.out, mt, std::regex(R"((\d+) MACs, (\d+) slow .*, (\d+) wrong products)"))) << r.out;
        EXPECT_EQ(mt[1], "3519");  // 17 x 9 x 23
        EXPECT_EQ(mt[2], "3519");  // regulation 1: every busy cycle slow
        EXPECT_GT(std::stoi(mt[3]), 0) << "clock scale 0.8 fails some products";
        EXPECT_TRUE(contains(r.out, std::string(d) + " dataflow")) << r.out;
    }
}

TEST(GemmCli, BadInputIsReported) {
    CliRun r = gemm({"--array", "16by16"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(contains(r.err, "--array '16by16': expected ROWSxCOLS")) << r.err;
    r = gemm({"--dataflow", "rs", "--backend", "cosim", "--clock-scale", "0.8"});
    EXPECT_TRUE(contains(r.err, "unknown dataflow 'rs'")) << r.err;
    r = gemm({"--backend", "cosim", "--clock-scale", "0.85"});
    EXPECT_TRUE(contains(r.err, "no co-simulation model for clock scale 0.85")) << r.err;
    r = gemm({"--backend", "fast", "--tables", "/nonexistent/t.h5"});
    EXPECT_TRUE(contains(r.err, "/nonexistent/t.h5: no such file")) << r.err;
    r = gemm({"--backend", "cosim", "--clock-scale", "0.8", "--m", "0"});
    EXPECT_TRUE(contains(r.err, "must be positive")) << r.err;
}

}  // namespace
