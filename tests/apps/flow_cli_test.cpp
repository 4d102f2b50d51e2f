// `tesa flow` as users run it: a 4-bit multiplier keeps it short (the study and the array step
// need 8-bit tables and say that they are skipped).
#include "apps/tesa/cli.h"
#include "cli_test_util.h"

#include "common/file_util.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

using tesa::test::CliRun;
using tesa::test::contains;

TEST(Flow, RunsSynthesisTimingAndErrorRatesAndSaysWhereResultsWent) {
    const fs::path out = fs::temp_directory_path() / ("tesa_flow_" + std::to_string(::getpid()));
    fs::remove_all(out);
    CliRun r = tesa::test::run_tesa({"flow", "--width", "4", "--samples", "300", "--clock-scales", "1.0,0.7", "--images", "300", "--out",
                                     out.string()},
                                    &tesa::cli::accelerator_commands());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "step 4/8")) << r.out;
    EXPECT_TRUE(contains(r.out, "step 5/8")) << r.out;
    EXPECT_TRUE(contains(r.out, "INT8: 416520 MACs per image")) << r.out;
    EXPECT_TRUE(contains(r.out, "65536 (previous, current) pairs")) << r.out;
    EXPECT_TRUE(contains(r.out, "tables:")) << r.out;
    EXPECT_TRUE(contains(r.out, "study skipped: the tables are of a 4-bit multiplier")) << r.out;
    EXPECT_TRUE(contains(r.out, "array step skipped")) << r.out;
    EXPECT_TRUE(contains(r.out, "system step skipped")) << r.out;
    EXPECT_TRUE(contains(r.out, "explore step skipped")) << r.out;
    EXPECT_TRUE(contains(r.out, "flow done. results: " + fs::absolute(out).lexically_normal().string())) << r.out;
    std::string csv = tesa::read_file(out / "timing_errors.csv");
    EXPECT_TRUE(contains(csv, "1.0,")) << csv;
    EXPECT_TRUE(contains(csv, "0.7,")) << csv;
    std::string acc = tesa::read_file(out / "networks" / "lenet5-mnist_accuracy.csv");
    EXPECT_TRUE(contains(acc, "lenet5-mnist,fp32,416520,300,")) << acc;
    EXPECT_TRUE(contains(acc, "lenet5-mnist,int8,416520,300,")) << acc;
    fs::remove_all(out);
}

}  // namespace
