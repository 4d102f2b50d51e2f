// `tesa study` as users run it, on synthetic error tables written to a temporary directory.
#include "../compiler/synthetic_tables.h"
#include "cli_test_util.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using tesa::test::CliRun;
using tesa::test::contains;
CliRun tesa(const std::vector<std::string>& args) { return tesa::test::run_tesa(args); }

// Under one directory of this test process, removed when it exits.
fs::path scratch(const std::string& name) {
    static const tesa::test::TempDir root;
    fs::path p = root.path / name;
    fs::create_directories(p);
    return p;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(StudyCli, WritesTheTableWithAllFourVariantsAndMacCounts) {
    const fs::path dir = scratch("run");
    const fs::path tables = dir / "synthetic.h5";
    tesa::test::synthetic_tables().write(tables);
    CliRun r = tesa({"study", "--network", "lenet5-mnist", "--tables", tables.string(), "--images", "100", "--seeds", "2",
                     "--calibration-images", "200", "--regulation", "2sigma,0.5", "--wd-fraction", "0.05", "--out", dir.string()});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "N_WD+EAQ")) << r.out;
    EXPECT_TRUE(contains(r.out, "| 416520 |")) << r.out;  // LeNet-5 MACs per image, baseline
    const std::string csv = slurp(dir / "study" / "lenet5-mnist_paper_porta.csv");
    std::istringstream lines(csv);
    std::string header, row1, row2, extra;
    std::getline(lines, header);
    std::getline(lines, row1);
    std::getline(lines, row2);
    EXPECT_TRUE(contains(header, "n_baseline")) << csv;
    EXPECT_TRUE(contains(row1, "0.80,2sigma,0.0227,100,2,")) << csv;
    EXPECT_TRUE(contains(row2, "0.80,0.5,0.5000,100,2,")) << csv;
    EXPECT_FALSE(std::getline(lines, extra) && !extra.empty()) << csv;
    // The WD network has more MACs than the baseline: column 14 (macs_wd_eaq) > column 13 (macs).
    std::vector<std::string> cols;
    std::stringstream cs(row2);
    for (std::string c; std::getline(cs, c, ',');) cols.push_back(c);
    ASSERT_EQ(cols.size(), 19u) << row2;
    EXPECT_EQ(cols[12], "416520");
    EXPECT_GT(std::stoul(cols[13]), 416520u);
    // Regulation 0.5 on these tables wrecks the unprotected network more than 2 sigma does.
    EXPECT_LT(std::stod(cols[6]), std::stod(cols[5]));
    EXPECT_TRUE(fs::exists(dir / "study" / "lenet5-mnist_paper_porta.md"));
    // The memories' energy from the compiler's mapping: WD's extra rows cost more traffic.
    EXPECT_TRUE(contains(r.out, "Memory energy per inference, from the compiler's mapping onto a 16x16 ws accelerator")) << r.out;
    EXPECT_TRUE(contains(r.out, "| baseline, EAQ | 416520 | ")) << r.out;
    EXPECT_TRUE(contains(r.out, "| WD+EAQ | ")) << r.out;
    EXPECT_FALSE(contains(r.out, "| WD+EAQ | 416520 | ")) << r.out;
    // One PNG per regulation.
    for (const char* reg : {"2sigma", "0.5"}) {
        const std::string png = slurp(dir / "study" / (std::string("lenet5-mnist_paper_porta_") + reg + ".png"));
        ASSERT_GT(png.size(), 8u) << reg;
        EXPECT_EQ(png.substr(1, 3), "PNG") << reg;
    }
}

TEST(StudyCli, MissingTablesAndBadOptionsAreClearErrors) {
    const fs::path dir = scratch("missing");
    CliRun m = tesa({"study", "--clock-scale", "0.65", "--out", dir.string()});
    EXPECT_EQ(m.code, 1);
    EXPECT_TRUE(contains(m.err, "tesa characterize --corner typ --clock-scale 0.65")) << m.err;
    CliRun scale = tesa({"study", "--clock-scale", "0.8x", "--out", dir.string()});
    EXPECT_EQ(scale.code, 1);
    EXPECT_TRUE(contains(scale.err, "--clock-scale: '0.8x' is not a number")) << scale.err;
    CliRun reg = tesa({"study", "--regulation", "3sigma", "--out", dir.string()});
    EXPECT_EQ(reg.code, 1);
    EXPECT_TRUE(contains(reg.err, "3sigma")) << reg.err;
    CliRun port = tesa({"study", "--weight-port", "c", "--out", dir.string()});
    EXPECT_EQ(port.code, 1);
    EXPECT_TRUE(contains(port.err, "a or b")) << port.err;
    const fs::path bad = dir / "not_tables.h5";
    std::ofstream(bad) << "not hdf5";
    CliRun t = tesa({"study", "--tables", bad.string(), "--out", dir.string()});
    EXPECT_EQ(t.code, 1);
    EXPECT_TRUE(contains(t.err, "not_tables.h5")) << t.err;
}

TEST(StudyCli, FindsTheCachedTablesOfAnOperatingPoint) {
    // The lookup names the file of the point's key; a table placed there is the one the study uses.
    const fs::path dir = scratch("lookup");
    const std::vector<std::string> point = {"--voltage", "1.05", "--clock-scale", "1.0", "--semantics", "sdf-sim"};
    std::vector<std::string> args = {"study", "--images", "50", "--seeds", "1", "--calibration-images", "100",
                                     "--regulation", "0.5", "--out", dir.string()};
    args.insert(args.end(), point.begin(), point.end());
    CliRun miss = tesa(args);
    ASSERT_EQ(miss.code, 1);
    EXPECT_TRUE(contains(miss.err, "typ corner, 1.050 V")) << miss.err;
    EXPECT_TRUE(contains(miss.err, "tesa characterize --corner typ --voltage 1.05 --clock-scale 1 --time-step 10 --semantics sdf-sim"))
        << miss.err;
    const auto open = miss.err.find(" (" + (dir / "tables").string());
    ASSERT_NE(open, std::string::npos) << miss.err;
    const std::string file = miss.err.substr(open + 2, miss.err.find(".h5)", open) + 3 - open - 2);
    tesa::ErrorTables t = tesa::test::synthetic_tables();
    t.semantics = "sdf-sim";
    t.write(file);
    CliRun hit = tesa(args);
    ASSERT_EQ(hit.code, 0) << hit.err;
    EXPECT_TRUE(contains(hit.out + hit.err, fs::path(file).filename().string())) << hit.out << hit.err;
    args.back() = "delay-line";
    EXPECT_EQ(tesa(args).code, 1) << "another semantics is another table";
}

}  // namespace
