// SdfFile: reads what OpenSTA writes for the Booth PE; rejects malformed and unsupported SDF
// with file and line.
#include "timing/sdf_file.h"

#include "common/error.h"
#include "timing_test_util.h"

#include <gtest/gtest.h>

#include "test_util.h"

using tesa::SdfFile;

namespace {

using tesa::test::expect_error;

TEST(SdfFile, ReadsOpenStaOutputForTheBoothPe) {
    const tesa::test::TimedBooth& tb = tesa::test::timed_booth(8);
    const SdfFile& sdf = *tb.setup.sdf;
    EXPECT_EQ(sdf.design(), "booth_mul_pe");
    EXPECT_EQ(sdf.program(), "STA");
    EXPECT_DOUBLE_EQ(sdf.timescale_ps(), 1000.0);
    // every mapped cell, plus 2N launch and 2N capture registers, plus the design's own entry
    EXPECT_EQ(sdf.cells().size(), tb.setup.netlist->instances().size() + 32 + 1);
    const tesa::SdfCell* rp = sdf.find_instance("rp_14");
    ASSERT_NE(rp, nullptr);
    EXPECT_EQ(rp->celltype, "DFF_X1");
    bool setup_rise = false;
    for (const auto& c : rp->checks)
        if (c.kind == "SETUP" && c.data_port == "D" && c.data_edge == tesa::SdfEdge::Posedge) {
            setup_rise = true;
            EXPECT_NEAR(c.value.pick_max(), tb.setup.sta.setup_ps, 0.051) << "the setup OpenSTA reported";
        }
    EXPECT_TRUE(setup_rise);
    int conds = 0;
    for (const auto& c : sdf.cells())
        for (const auto& io : c.iopaths) conds += !io.cond.empty();
    EXPECT_GT(conds, 0) << "OpenSTA writes state-dependent (COND) IOPATHs for Nangate45";
}

TEST(SdfFile, TriplesTimescaleAndEdges) {
    SdfFile f = SdfFile::parse(
        "(DELAYFILE (SDFVERSION \"3.0\") (DESIGN \"t\") (TIMESCALE 100 ps) (DIVIDER .)\n"
        " (CELL (CELLTYPE \"INV_X1\") (INSTANCE top.u1)\n"
        "  (DELAY (ABSOLUTE (IOPATH A ZN (1:2:3) (::4)) (IOPATH (posedge B) ZN (5)))))\n"
        " (CELL (CELLTYPE \"DFF_X1\") (INSTANCE r)\n"
        "  (TIMINGCHECK (SETUPHOLD (negedge D) (posedge CK) (0.3) (0.1)) (WIDTH (posedge CK) (1)))))\n",
        "t.sdf");
    EXPECT_DOUBLE_EQ(f.timescale_ps(), 100.0);
    const tesa::SdfCell* u1 = f.find_instance("top/u1");
    ASSERT_NE(u1, nullptr) << "DIVIDER '.' paths are stored with '/'";
    ASSERT_EQ(u1->iopaths.size(), 2u);
    EXPECT_DOUBLE_EQ(u1->iopaths[0].delay.rise.pick_max(), 300.0);
    EXPECT_DOUBLE_EQ(u1->iopaths[0].delay.rise.pick_min(), 100.0);
    EXPECT_DOUBLE_EQ(u1->iopaths[0].delay.fall.pick_min(), 400.0) << "missing min falls back";
    EXPECT_EQ(u1->iopaths[1].in_edge, tesa::SdfEdge::Posedge);
    EXPECT_DOUBLE_EQ(u1->iopaths[1].delay.fall.pick_max(), 500.0) << "one value: rise and fall";
    const tesa::SdfCell* r = f.find_instance("r");
    ASSERT_EQ(r->checks.size(), 2u);
    EXPECT_EQ(r->checks[0].data_edge, tesa::SdfEdge::Negedge);
    EXPECT_DOUBLE_EQ(r->checks[0].value2.pick_max(), 10.0);
}

TEST(SdfFile, MalformedSdfIsRejectedWithLine) {
    expect_error([] { SdfFile::parse("(DELAYFILE\n (CELL (CELLTYPE \"X\") (INSTANCE u)\n", "trunc.sdf"); },
                 {"trunc.sdf:", "never closed", "truncated"});
    expect_error([] { SdfFile::parse("(DELAYFILE (CELL (CELLTYPE \"X\") (INSTANCE u)\n (DELAY (ABSOLUTE (IOPATH A Z (0.1:x:0.2))))))", "num.sdf"); },
                 {"num.sdf:2:", "not a number"});
    expect_error([] { SdfFile::parse("(NOTSDF)", "head.sdf"); }, {"head.sdf:1:", "DELAYFILE"});
    expect_error([] { SdfFile::parse("", "empty.sdf"); }, {"empty.sdf:1:", "empty"});
    expect_error([] { SdfFile::parse("(DELAYFILE (CELL (INSTANCE u)))", "type.sdf"); }, {"type.sdf:1:", "CELLTYPE"});
}

TEST(SdfFile, UnsupportedConstructsAreNamedNotSkipped) {
    expect_error([] { SdfFile::parse("(DELAYFILE (CELL (CELLTYPE \"X\") (INSTANCE u)\n\n (DELAY (INCREMENT (IOPATH A Z (1))))))", "inc.sdf"); },
                 {"inc.sdf:3:", "unsupported SDF construct 'INCREMENT'"});
    expect_error([] { SdfFile::parse("(DELAYFILE (CELL (CELLTYPE \"X\") (INSTANCE u)\n (DELAY (ABSOLUTE (PORT A (1))))))", "port.sdf"); },
                 {"port.sdf:2:", "'PORT'"});
    expect_error([] { SdfFile::parse("(DELAYFILE (CELL (CELLTYPE \"X\") (INSTANCE *)))", "wild.sdf"); },
                 {"wild.sdf:1:", "wildcard"});
}

TEST(SdfFile, DeepNestingAndNonFiniteOrNegativeDelaysAreRefused) {
    const std::string deep = "(DELAYFILE " + std::string(200000, '(');  // once a stack overflow
    expect_error([&] { SdfFile::parse(deep, "deep.sdf"); }, {"deep.sdf:1:", "nested more than 64 deep"});
    auto with_delay = [](const std::string& v) {
        return "(DELAYFILE (SDFVERSION \"3.0\") (TIMESCALE 1ns)\n (CELL (CELLTYPE \"INV_X1\") (INSTANCE u1)\n"
               "  (DELAY (ABSOLUTE (IOPATH A ZN (" + v + ") (0.01))))))\n";
    };
    for (const char* v : {"nan", "inf", "-inf", "1e999", "0x10"})
        expect_error([&] { SdfFile::parse(with_delay(v), "nan.sdf"); }, {"nan.sdf:3:", "is not a number"});
    expect_error([&] { SdfFile::parse(with_delay("-0.02"), "neg.sdf"); }, {"neg.sdf:3:", "negative delay"});
    expect_error([&] { SdfFile::parse(with_delay("1e7"), "huge.sdf"); }, {"huge.sdf:3:", "beyond 1 ms"});
    expect_error([] { SdfFile::parse("(DELAYFILE (TIMESCALE 0ns))", "ts.sdf"); }, {"ts.sdf:1:", "TIMESCALE must be 1, 10 or 100"});
}

}  // namespace
