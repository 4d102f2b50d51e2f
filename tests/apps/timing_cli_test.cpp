// `tesa timing` as users run it (`tesa flow`: flow_cli_test.cpp).
#include "apps/tesa/cli.h"
#include "cli_test_util.h"

#include "common/file_util.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace {

using tesa::test::CliRun;
using tesa::test::contains;

CliRun tesa(std::vector<std::string> args, const fs::path& out) {
    args.push_back("--out");
    args.push_back(out.string());
    return tesa::test::run_tesa(args);
}

fs::path scratch(const std::string& name) {
    fs::path p = fs::temp_directory_path() / ("tesa_tcli_" + std::to_string(::getpid())) / name;
    fs::remove_all(p);
    return p;
}


TEST(TimingCli, ReportPrintsCriticalPathAndWritesSdf) {
    fs::path out = scratch("report");
    CliRun r = tesa({"timing", "report", "--width", "4"}, out);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "critical path")) << r.out;
    EXPECT_TRUE(contains(r.out, "min period")) << r.out;
    EXPECT_TRUE(fs::exists(out / "timing" / "booth_mul_w4_typ" / "booth_mul_pe.sdf"));
    EXPECT_TRUE(fs::exists(out / "synth" / "booth_mul_w4_typ" / "netlist.v")) << "synthesized on demand";
}

TEST(TimingCli, SimAtALongClockHasNoErrorsAndVcdIsWritten) {
    fs::path out = scratch("sim");
    CliRun r = tesa({"timing", "sim", "--width", "4", "--clock-scale", "2.0", "--samples", "500"}, out);
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "errors        0 of 500")) << r.out;
    fs::path vcd = out / "cycle.vcd";
    CliRun v = tesa({"timing", "sim", "--width", "4", "--vcd", vcd.string(), "--transition", "0,0,-8,7"}, out);
    ASSERT_EQ(v.code, 0) << v.err;
    EXPECT_TRUE(contains(tesa::read_file(vcd), "$enddefinitions"));
}

TEST(TimingCli, TablesShowRefusesAFileThatIsNotATable) {
    fs::path out = scratch("tables");
    fs::create_directories(out);
    std::ostringstream o, e;
    EXPECT_EQ(tesa::cli::run({"tables", "show", (out / "none.h5").string()}, o, e), 1);
    EXPECT_TRUE(contains(e.str(), "none.h5: no such file")) << e.str();
}

TEST(TimingCli, BadTimingOptionsAreClearErrors) {
    fs::path out = scratch("bad");
    CliRun m = tesa({"timing", "sim", "--width", "4", "--mode", "sideways"}, out);
    EXPECT_EQ(m.code, 1);
    EXPECT_TRUE(contains(m.err, "--mode 'sideways'")) << m.err;
    CliRun a = tesa({"timing", "frobnicate", "--width", "4"}, out);
    EXPECT_EQ(a.code, 1);
    EXPECT_TRUE(contains(a.err, "unknown action 'frobnicate'")) << a.err;
    CliRun v = tesa({"timing", "sim", "--width", "4", "--voltage", "0.5"}, out);
    EXPECT_EQ(v.code, 1);
    EXPECT_TRUE(contains(v.err, "threshold")) << v.err;
    CliRun c = tesa({"timing", "sim", "--width", "4", "--mode", "sdf-sim", "--cond", "max"}, out);
    EXPECT_EQ(c.code, 1);
    EXPECT_TRUE(contains(c.err, "sdf-sim evaluates COND")) << c.err;
    CliRun s = tesa({"characterize", "--width", "4", "--semantics", "quantum"}, out);
    EXPECT_EQ(s.code, 1);
    EXPECT_TRUE(contains(s.err, "--semantics 'quantum'")) << s.err;
    CliRun x = tesa({"characterize", "--width", "4", "--semantics", "sdf-sim", "--exact", "jit"}, out);
    EXPECT_EQ(x.code, 1);
    EXPECT_TRUE(contains(x.err, "--exact 'jit'")) << x.err;
    CliRun t = tesa({"characterize", "--width", "4", "--semantics", "transport"}, out);
    EXPECT_EQ(t.code, 1);
    EXPECT_TRUE(contains(t.err, "no fast engine")) << t.err;
}

TEST(TimingCli, SdfSimTablesRecordTheirSemanticsAndShowPrintsIt) {
    fs::path out = scratch("sdfsim");
    CliRun c = tesa({"characterize", "--width", "4", "--clock-scale", "0.7", "--semantics", "sdf-sim", "--time-step", "5"}, out);
    ASSERT_EQ(c.code, 0) << c.err;
    EXPECT_TRUE(contains(c.out, "sdf-sim semantics")) << c.out;
    const fs::path f = out / "tables" / "booth_mul_w4_typ_s0.70_step5.00_sdf-sim.h5";
    std::ostringstream o, e;
    ASSERT_EQ(tesa::cli::run({"tables", "show", f.string()}, o, e), 0) << e.str();
    EXPECT_TRUE(contains(o.str(), "semantics   sdf-sim")) << o.str();
}

}  // namespace
