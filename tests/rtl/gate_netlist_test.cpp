// GateNetlist: reads the mapped Booth netlists, agrees with Yosys' own statistics, and rejects
// netlists the Liberty cannot explain with file:line diagnostics.
#include "rtl/gate_netlist.h"

#include "common/error.h"
#include "common/file_util.h"

#include <gtest/gtest.h>

#include "test_util.h"

#include <fstream>
#include <regex>

using tesa::GateNetlist;
using tesa::LibertyLibrary;

namespace {

const LibertyLibrary& typ() {
    static LibertyLibrary lib = LibertyLibrary::read(TESA_TEST_LIBERTY);
    return lib;
}

std::string synth_dir(int n) { return std::string(TESA_TEST_SYNTH_DIR) + "/booth_mul_w" + std::to_string(n) + "_typ"; }

using tesa::test::expect_error;

// Cell counts and area as Yosys `stat -liberty` printed them (an independent tool).
struct YosysStat {
    std::map<std::string, int> cells;
    int total = 0;
    double area = 0;
};

YosysStat read_yosys_stat(const std::string& file) {
    YosysStat s;
    std::ifstream in(file);
    std::string line;
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_match(line, m, std::regex(R"(\s+([A-Z][A-Z0-9_]+_X\d+)\s+(\d+)\s*)"))) s.cells[m[1]] = std::stoi(m[2]);
        else if (std::regex_match(line, m, std::regex(R"(\s+Number of cells:\s+(\d+)\s*)"))) s.total = std::stoi(m[1]);
        else if (std::regex_match(line, m, std::regex(R"(\s+Chip area for module .*: ([0-9.]+)\s*)"))) s.area = std::stod(m[1]);
    }
    return s;
}

class MappedBooth : public ::testing::TestWithParam<int> {};

TEST_P(MappedBooth, CellCountsAndAreaEqualYosysStat) {
    const int n = GetParam();
    GateNetlist net = GateNetlist::read(synth_dir(n) + "/netlist.v", typ());
    YosysStat stat = read_yosys_stat(synth_dir(n) + "/stat.txt");
    ASSERT_GT(stat.total, 0);
    EXPECT_EQ(static_cast<int>(net.instances().size()), stat.total);
    EXPECT_EQ(net.cell_usage(), stat.cells);
    EXPECT_NEAR(net.area(), stat.area, 1e-6);
}

TEST_P(MappedBooth, PortsAreTheMultiplierOperandsAndProduct) {
    const int n = GetParam();
    GateNetlist net = GateNetlist::read(synth_dir(n) + "/netlist.v", typ());
    EXPECT_EQ(net.module_name(), "booth_mul");
    ASSERT_NE(net.find_port("a"), nullptr);
    ASSERT_NE(net.find_port("p"), nullptr);
    EXPECT_EQ(net.find_port("a")->bits.size(), static_cast<size_t>(n));
    EXPECT_EQ(net.find_port("b")->bits.size(), static_cast<size_t>(n));
    EXPECT_EQ(net.find_port("p")->bits.size(), static_cast<size_t>(2 * n));
    EXPECT_EQ(net.find_port("p")->direction, tesa::PinDirection::Output);
    EXPECT_EQ(net.net_name(net.find_port("a")->bits[0]), "a[0]");
    for (const auto& inst : net.instances()) EXPECT_FALSE(inst.cell->sequential) << inst.name;
}

INSTANTIATE_TEST_SUITE_P(Widths, MappedBooth, ::testing::Values(4, 8));

TEST(GateNetlist, CellMissingFromLibertyIsNamedWithLine) {
    const char* text =
        "module m(a, z);\n"
        "  input a;\n  wire a;\n  output z;\n  wire z;\n"
        "  FANCY_X9 u1 (\n    .A(a),\n    .ZN(z)\n  );\n"
        "endmodule\n";
    expect_error([&] { GateNetlist::parse(text, "bad_cell.v", typ()); },
                 {"bad_cell.v:6:", "FANCY_X9", "u1", "does not define"});
}

TEST(GateNetlist, StructuralProblemsAreNamedWithLine) {
    const std::string head = "module m(a, z);\n  input a;\n  wire a;\n  output z;\n  wire z;\n";
    expect_error([&] { GateNetlist::parse(head + "  INV_X1 u1 (.A(a), .Q(z));\nendmodule\n", "pin.v", typ()); },
                 {"pin.v:6:", "no pin 'Q'"});
    expect_error([&] { GateNetlist::parse(head + "  INV_X1 u1 (.A(nope), .ZN(z));\nendmodule\n", "undecl.v", typ()); },
                 {"undecl.v:6:", "'nope' is not declared"});
    expect_error([&] { GateNetlist::parse(head + "  INV_X1 u1 (.ZN(z));\nendmodule\n", "open.v", typ()); },
                 {"open.v:6:", "input pin 'A'"});
    expect_error([&] { GateNetlist::parse(head + "  INV_X1 u1 (.A(a), .ZN(z));\n  INV_X1 u2 (.A(a), .ZN(z));\nendmodule\n", "two.v", typ()); },
                 {"two.v:7:", "second driver"});
    expect_error([&] { GateNetlist::parse(head + "  assign z = a;\nendmodule\n", "assign.v", typ()); },
                 {"assign.v:6:", "assign"});
    expect_error([&] { GateNetlist::parse(head + "  INV_X1 u1 (.A(a), .ZN(z));\n", "trunc.v", typ()); },
                 {"trunc.v:", "endmodule"});
}

TEST(GateNetlist, HugeOrMalformedRangesAndConstantsAreRefusedNotCrashed) {
    const std::string head = "module m(a, z);\n  input a;\n  output z;\n";
    // once std::bad_alloc (a billion nets) and std::out_of_range (stoi)
    expect_error([&] { GateNetlist::parse(head + "  wire [999999999:0] w;\nendmodule\n", "wide.v", typ()); }, {"wide.v:4:", "beyond"});
    expect_error([&] { GateNetlist::parse(head + "  wire [99999999999999999999:0] w;\nendmodule\n", "big.v", typ()); }, {"big.v:4:", "beyond"});
    expect_error([&] { GateNetlist::parse(head + "  wire [70000:0] w;\nendmodule\n", "bus.v", typ()); }, {"bus.v:4:", "wider than 65536 bits"});
    expect_error([&] { GateNetlist::parse(head + "  wire [-1:0] w;\nendmodule\n", "neg.v", typ()); }, {"neg.v:4:"});
    // once std::out_of_range (substr past the end of "1'")
    expect_error([&] { GateNetlist::parse(head + "  INV_X1 u1 (.A(1'), .ZN(z));\nendmodule\n", "const.v", typ()); },
                 {"const.v:4:", "not a 1-bit constant"});
    expect_error([&] { GateNetlist::parse(head + "  INV_X1 u1 (.A(1'q1), .ZN(z));\nendmodule\n", "radix.v", typ()); },
                 {"radix.v:4:", "not a 1-bit constant"});
}

}  // namespace
