// `tesa timing` as users run it (`tesa flow`: flow_cli_test.cpp).
#include "apps/tesa/cli.h"
#include "cli_test_util.h"

#include "common/file_util.h"
#include "timing/error_tables.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

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
    CliRun t = tesa({"characterize", "--width", "4", "--semantics", "transport", "--time-step", "7.5"}, out);
    EXPECT_EQ(t.code, 1);
    EXPECT_TRUE(contains(t.err, "integral time step")) << t.err;
    CliRun ok = tesa({"characterize", "--width", "4", "--semantics", "transport"}, out);
    EXPECT_EQ(ok.code, 0) << ok.err;
    EXPECT_TRUE(contains(ok.out + ok.err, "transport semantics")) << ok.out << ok.err;
}

TEST(TimingCli, SdfSimTablesRecordTheirSemanticsAndShowPrintsIt) {
    fs::path out = scratch("sdfsim");
    CliRun c = tesa({"characterize", "--width", "4", "--clock-scale", "0.7", "--semantics", "sdf-sim", "--time-step", "5"}, out);
    ASSERT_EQ(c.code, 0) << c.err;
    EXPECT_TRUE(contains(c.out, "sdf-sim semantics")) << c.out;
    const fs::path f = tesa::test::tables_line(c.out);
    std::ostringstream o, e;
    ASSERT_EQ(tesa::cli::run({"tables", "show", f.string()}, o, e), 0) << e.str();
    EXPECT_TRUE(contains(o.str(), "semantics   sdf-sim")) << o.str();
}

TEST(TimingCli, TablesAtAVoltageAClockAndADieAreCachedByKeyAndListed) {
    fs::path out = scratch("points");
    auto characterize = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"characterize", "--width", "4", "--semantics", "sdf-sim", "--threads", "1"};
        args.insert(args.end(), extra.begin(), extra.end());
        CliRun c = tesa(args, out);
        EXPECT_EQ(c.code, 0) << c.err;
        return fs::path(tesa::test::tables_line(c.out));
    };
    // One fixed clock, two supplies: the lower one slows every delay and fails products.
    const fs::path nominal = characterize({"--clock-scale", "1.0", "--voltage", "1.1"});
    const fs::path low = characterize({"--clock-scale", "1.0", "--voltage", "1.05"});
    ASSERT_NE(nominal, low);
    const tesa::ErrorTables n = tesa::ErrorTables::read(nominal), l = tesa::ErrorTables::read(low);
    EXPECT_DOUBLE_EQ(l.voltage, 1.05);
    EXPECT_GT(l.delay_scale, 1.0);
    EXPECT_NEAR(n.delay_scale, 1.0, 1e-9);
    EXPECT_DOUBLE_EQ(l.clock_ps, n.clock_ps) << "the clock does not follow the voltage";
    EXPECT_GT(l.wrong_pairs, n.wrong_pairs);
    EXPECT_EQ(l.key.size(), 16u);
    EXPECT_TRUE(contains(low.filename().string(), l.key)) << low;
    // Two dies of one population differ; the same die again is the same file with the same bits.
    const fs::path d1 = characterize({"--clock-scale", "0.8", "--sigma", "0.05", "--die-seed", "1"});
    const fs::path d2 = characterize({"--clock-scale", "0.8", "--sigma", "0.05", "--die-seed", "2"});
    ASSERT_NE(d1, d2);
    const tesa::ErrorTables a = tesa::ErrorTables::read(d1), b = tesa::ErrorTables::read(d2);
    EXPECT_NE(a.counts, b.counts) << "another die, other delays, other failures";
    EXPECT_EQ(b.die_seed, 2u);
    EXPECT_DOUBLE_EQ(b.sigma, 0.05);
    const fs::path again = characterize({"--clock-scale", "0.8", "--sigma", "0.05", "--die-seed", "2"});
    EXPECT_EQ(again, d2);
    EXPECT_EQ(tesa::ErrorTables::read(again).counts, b.counts);

    CliRun list = tesa({"tables", "list"}, out);
    ASSERT_EQ(list.code, 0) << list.err;
    EXPECT_EQ(tesa::test::cached_tables(out).size(), 4u);
    for (const fs::path& f : {nominal, low, d1, d2}) EXPECT_TRUE(contains(list.out, f.filename().string())) << list.out;
    EXPECT_TRUE(contains(list.out, "1.050")) << list.out;
    std::ostringstream o, e;
    ASSERT_EQ(tesa::cli::run({"tables", "show", d2.string()}, o, e), 0) << e.str();
    EXPECT_TRUE(contains(o.str(), "die 2 of sigma 0.05")) << o.str();
    EXPECT_TRUE(contains(o.str(), "key         " + b.key)) << o.str();
}

TEST(TimingCli, TablesCheckAgreesWithTheReferenceAndCatchesAnAlteredTable) {
    fs::path out = scratch("check");
    for (const char* sem : {"sdf-sim", "delay-line"}) {
        CliRun c = tesa({"characterize", "--width", "4", "--semantics", sem, "--clock-scale", "0.8", "--voltage", "1.05"}, out);
        ASSERT_EQ(c.code, 0) << c.err;
        const fs::path f = tesa::test::tables_line(c.out);
        CliRun k = tesa({"tables", "check", f.string(), "--samples", "3000"}, out);
        ASSERT_EQ(k.code, 0) << k.err;
        EXPECT_TRUE(contains(k.out, ": 0 differ;")) << k.out;
        EXPECT_TRUE(contains(k.out, std::string("(") + sem + ", typ corner, 1.050 V")) << k.out;
        // Every wrong capture altered: the check must notice.
        tesa::ErrorTables t = tesa::ErrorTables::read(f);
        t.transitions = tesa::read_transition_table(f);
        ASSERT_GT(t.transitions.outputs.size(), 0u);
        for (auto& o : t.transitions.outputs) o ^= 1;
        const fs::path bad = out / "altered.h5";
        t.write(bad);
        CliRun x = tesa({"tables", "check", bad.string(), "--samples", "3000"}, out);
        EXPECT_EQ(x.code, 1) << sem;
        EXPECT_TRUE(contains(x.err, "transitions differ from the reference")) << x.err;
    }
}

TEST(TimingCli, OperatingPointOptionsOutOfRangeAreRefused) {
    fs::path out = scratch("badpoints");
    auto refused = [&](std::vector<std::string> args, const std::string& why) {
        args.insert(args.begin(), {"characterize", "--width", "4"});
        CliRun c = tesa(args, out);
        EXPECT_NE(c.code, 0) << why;
        EXPECT_TRUE(contains(c.err, why)) << c.err;
    };
    refused({"--voltage", "0.9"}, "validity range");
    refused({"--voltage", "1.0", "--liberty", "/no/such.lib"}, "Nangate45 corners");
    refused({"--clock-scale", "0.9", "--clock-ps", "500"}, "give the clock once");
    refused({"--die-seed", "3"}, "needs --sigma");
    refused({"--sigma", "0.7"}, "--sigma: 0.7 is out of range");
}

}  // namespace

// Shards of one characterization, in any order, give one run's tables bit for bit (the last shard
// to finish writes them, --merge too); --merge refuses while a shard's chunks are missing; the
// tables file is the same bytes when written again later (no time stamps in it).
TEST(TimingCli, ShardsOfACharacterizationMergeIntoOneRunsTablesBitForBit) {
    const fs::path whole = scratch("shard_whole"), shared = scratch("shard_shared");
    const std::vector<std::string> point{"characterize", "--width", "4", "--clock-scale", "0.8", "--chunk", "16", "--threads", "1"};
    auto cli = [](std::vector<std::string> args, const fs::path& out) {
        args.insert(args.end(), {"--out", out.string()});
        return tesa::test::run_tesa(args);
    };
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> a = point;
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    };
    CliRun w = cli(with({"--table", (whole / "a.h5").string()}), whole);
    ASSERT_EQ(w.code, 0) << w.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // HDF5 time stamps have 1 s resolution
    w = cli(with({"--table", (whole / "b.h5").string()}), whole);
    ASSERT_EQ(w.code, 0) << w.err;
    EXPECT_EQ(tesa::read_file(whole / "a.h5"), tesa::read_file(whole / "b.h5")) << "tables written twice differ";

    CliRun s = cli(with({"--shard", "2/3"}), shared);
    ASSERT_EQ(s.code, 0) << s.err;
    EXPECT_TRUE(contains(s.out, "shard 2/3 done; 11 of 16 chunks are other shards'")) << s.out;
    EXPECT_TRUE(tesa::test::cached_tables(shared).empty()) << "no tables before every shard is done";
    s = cli(with({"--shard", "0/3"}), shared);
    ASSERT_EQ(s.code, 0) << s.err;
    s = cli(with({"--merge"}), shared);
    EXPECT_EQ(s.code, 1);
    EXPECT_TRUE(contains(s.err, "5 of 16 chunks")) << s.err;
    s = cli(with({"--shard", "1/3", "--table", (shared / "c.h5").string()}), shared);
    ASSERT_EQ(s.code, 0) << s.err;
    EXPECT_EQ(tesa::read_file(shared / "c.h5"), tesa::read_file(whole / "a.h5"));
    s = cli(with({"--merge", "--table", (shared / "d.h5").string()}), shared);
    ASSERT_EQ(s.code, 0) << s.err;
    EXPECT_EQ(tesa::read_file(shared / "d.h5"), tesa::read_file(whole / "a.h5"));

    for (const char* bad : {"3/3", "x", "1/0", "-1/2", "1/", "2/4097"}) {
        s = cli(with({"--shard", bad}), shared);
        EXPECT_EQ(s.code, 1) << bad;
        EXPECT_TRUE(contains(s.err, "expected I/N")) << s.err;
    }
    s = cli(with({"--shard", "0/2", "--merge"}), shared);
    EXPECT_TRUE(contains(s.err, "without --shard")) << s.err;
}
