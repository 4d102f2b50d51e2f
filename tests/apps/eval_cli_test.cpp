// `tesa eval` and `tesa data` as users run them.
#include "cli_test_util.h"

#include <gtest/gtest.h>

#include <sstream>

namespace {

using tesa::test::CliRun;
using tesa::test::contains;
CliRun tesa(const std::vector<std::string>& args) { return tesa::test::run_tesa(args); }

TEST(EvalCli, Int8LeNetOnMnistPrintsAccuracyAndMacs) {
    CliRun r = tesa({"eval", "--network", "lenet5-mnist", "--int8", "--images", "500", "--calibration-images", "200"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "416520 MACs per image")) << r.out;
    EXPECT_TRUE(contains(r.out, "/ 500 test images")) << r.out;
    EXPECT_TRUE(contains(r.out, "per-layer weights")) << r.out;
}

TEST(EvalCli, UnknownNetworkAndMismatchedModelAreClearErrors) {
    CliRun u = tesa({"eval", "--network", "vgg16"});
    EXPECT_EQ(u.code, 1);
    EXPECT_TRUE(contains(u.err, "network 'vgg16'")) << u.err;
    // A CIFAR-10 model file given for an MNIST network.
    CliRun m = tesa({"eval", "--network", "lenet5-mnist", "--model", std::string(TESA_SOURCE_DIR) + "/networks/models/lenet5-cifar10.h5"});
    EXPECT_EQ(m.code, 1);
    EXPECT_TRUE(contains(m.err, "lenet5-cifar10.h5: a cifar10 network")) << m.err;
}

TEST(DataCli, ShowListsBothDataSetsAndMissingDataNamesTheFetchScript) {
    CliRun r = tesa({"data", "show"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "mnist/train: 60000 images 1x28x28")) << r.out;
    EXPECT_TRUE(contains(r.out, "cifar10/test: 10000 images 3x32x32")) << r.out;
    CliRun e = tesa({"data", "show", "--data-dir", "/nonexistent/tesa-data"});
    EXPECT_EQ(e.code, 1);
    EXPECT_TRUE(contains(e.err, "scripts/data.sh")) << e.err;
}

}  // namespace
