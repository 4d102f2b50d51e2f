// Bad options and config files as a new user would type them: every one is refused with a message
// naming the option (or file and line) and the valid range, and a usage error exits 2. Each case
// was once a crash, a hang or a silent acceptance (issue 18).
#include "apps/cli_test_util.h"
#include "common/file_util.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

using tesa::test::CliRun;
using tesa::test::contains;

CliRun tesa_core(const std::vector<std::string>& args) { return tesa::test::run_tesa(args); }

// The command must fail as a usage error and say all of `parts`.
void refused(const std::vector<std::string>& args, const std::vector<std::string>& parts, int code = 2) {
    const CliRun r = tesa_core(args);
    std::string cmd;
    for (const auto& a : args) cmd += a + " ";
    EXPECT_EQ(r.code, code) << cmd << "\n" << r.err;
    for (const auto& p : parts) EXPECT_TRUE(contains(r.err, p)) << cmd << ": '" << p << "' missing from: " << r.err;
}

TEST(RobustCli, OutOfRangeNumericOptionsAreUsageErrorsNamingTheRange) {
    refused({"characterize", "--chunk", "0"}, {"--chunk: 0 is out of range", "[1, 65536]"});
    refused({"characterize", "--clock-scale", "0"}, {"--clock-scale: 0 is out of range", "[0.1, 4]"});
    refused({"characterize", "--threads", "1000"}, {"--threads: 1000 is out of range"});
    refused({"characterize", "--time-step", "0"}, {"--time-step: 0 is out of range"});
    refused({"timing", "sim", "--samples", "-1"}, {"--samples: -1 is out of range"});
    refused({"timing", "sim", "--sigma", "nan"}, {"--sigma", "not a finite number"});
    refused({"timing", "sim", "--clock-ps", "inf"}, {"--clock-ps", "not a finite number"});
    refused({"timing", "sim", "--voltage", "-1"}, {"--voltage: -1 is out of range"});
    refused({"eval", "--network", "lenet5-mnist", "--images", "-5"}, {"--images: -5 is out of range"});
    refused({"eval", "--network", "lenet5-mnist", "--threads", "1000"}, {"--threads: 1000 is out of range"});
    refused({"study", "--network", "lenet5-mnist", "--wd-fraction", "1.5"}, {"--wd-fraction: 1.5 is out of range", "[0, 1]"});
    refused({"synth", "--width", "1000"}, {"--width: 1000 is out of range"});
}

TEST(RobustCli, NonNumericTextInNumberListsIsRefused) {
    refused({"timing", "sim", "--width", "4", "--vcd", "/tmp/never.vcd", "--transition", "0,x,1,2"},
            {"--transition: operand: 'x' is not an integer"}, 1);
    refused({"timing", "sim", "--width", "4", "--vcd", "/tmp/never.vcd", "--transition", "0,0,1,99"},
            {"--transition: operand: 99 is out of range"}, 1);
    refused({"study", "--network", "lenet5-mnist", "--clock-scale", "0.9,abc"}, {"--clock-scale: 'abc' is not a number"}, 1);
}

// Boost 1.74 loops forever formatting an error about a value that holds "%value%" (found by the
// config fuzzer): such values get a plainer message, at once.
TEST(RobustCli, ValuesHoldingBoostPlaceholdersDoNotHang) {
    refused({"eval", "--images", "%value%"}, {"the value of option '--images' is invalid"});
    tesa::test::TempDir t;
    const auto cfg = t.path / "p.cfg";
    tesa::write_file_atomic(cfg, "network = lenet5-mnist\nimages = ('%value%')\n");
    refused({"eval", "--config", cfg.string()}, {cfg.string() + ":2: key 'images'", "is invalid"}, 1);
}

TEST(RobustCli, ConfigFilesThatAreNotFilesOrRepeatKeysAreRefused) {
    tesa::test::TempDir t;
    refused({"eval", "--config", t.path.string()}, {t.path.string(), "not a regular file"}, 1);
    refused({"eval", "--config", "/dev/zero"}, {"/dev/zero", "not a regular file"}, 1);
    const auto dup = t.path / "dup.cfg";
    tesa::write_file_atomic(dup, "network = lenet5-mnist\nimages = 10\n# a comment\nimages = 20\n");
    refused({"eval", "--config", dup.string()}, {dup.string() + ":4: key 'images' given twice (first at line 2)"}, 1);
    const auto big = t.path / "big.cfg";
    tesa::write_file_atomic(big, "images = " + std::string(1 << 19, '7') + "x\n");
    const CliRun r = tesa_core({"eval", "--network", "lenet5-mnist", "--config", big.string()});
    EXPECT_NE(r.code, 0);
    EXPECT_TRUE(contains(r.err, big.string() + ":1: key 'images'")) << r.err.substr(0, 400);
    EXPECT_LT(r.err.size(), 600u) << "a megabyte value is not echoed back whole";
    const auto huge = t.path / "huge.cfg";
    tesa::write_file_atomic(huge, std::string((1 << 20) + 10, '#'));
    refused({"eval", "--config", huge.string()}, {huge.string(), "at most 1048576"}, 1);
}

TEST(RobustCli, OutputPathsThatAreDirectoriesOrFilesGiveClearErrors) {
    tesa::test::TempDir t;
    std::filesystem::create_directories(t.path / "d");
    tesa::test::expect_error([&] { tesa::write_file_atomic(t.path / "d", "x"); }, {(t.path / "d").string(), "is a directory"});
    tesa::write_file_atomic(t.path / "f", "keep");
    tesa::test::expect_error([&] { tesa::StagingDir s(t.path / "f"); }, {(t.path / "f").string(), "not a directory"});
    EXPECT_EQ(tesa::read_file(t.path / "f"), "keep");
    for (const auto& e : std::filesystem::directory_iterator(t.path))
        EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << "temporary left: " << e.path();
}

TEST(RobustCli, AnOutputSetIsCommittedWholeOrNotAtAll) {
    tesa::test::TempDir t;
    tesa::write_file_atomic(t.path / "a.csv", "old a");
    tesa::write_file_atomic(t.path / "b.md", "old b");
    {
        tesa::OutputSet s;
        s.write(t.path / "a.csv", "new a");
        // the second output cannot be written: nothing of the set replaces the old results
        std::filesystem::create_directories(t.path / "c.png");
        EXPECT_THROW(s.write(t.path / "c.png", "png"), tesa::Error);
    }
    EXPECT_EQ(tesa::read_file(t.path / "a.csv"), "old a");
    EXPECT_EQ(tesa::read_file(t.path / "b.md"), "old b");
    {
        tesa::OutputSet s;
        s.write(t.path / "a.csv", "new a");
        s.write(t.path / "b.md", "new b");
        s.commit();
    }
    EXPECT_EQ(tesa::read_file(t.path / "a.csv"), "new a");
    EXPECT_EQ(tesa::read_file(t.path / "b.md"), "new b");
    size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(t.path)) files += e.is_regular_file();
    EXPECT_EQ(files, 2u) << "no temporaries left";
}

}  // namespace
