// LibertyLibrary / parse_liberty: the Nangate45 corners read correctly; bad files are named.
#include "rtl/liberty_library.h"

#include "common/error.h"
#include "common/file_util.h"

#include <gtest/gtest.h>

#include "test_util.h"

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using tesa::LibertyLibrary;

namespace {

std::string pdk(const std::string& corner) {
    return std::string(TESA_TEST_PDK_DIR) + "/nangate45_" + corner + ".lib.gz";
}

using tesa::test::expect_error;

TEST(LibertyLibrary, ReadsTypicalCornerCellsAreasAndFunctions) {
    LibertyLibrary lib = LibertyLibrary::read(pdk("typ"));
    EXPECT_EQ(lib.name(), "NangateOpenCellLibrary");
    EXPECT_DOUBLE_EQ(lib.nom_voltage(), 1.1);
    EXPECT_DOUBLE_EQ(lib.nom_temperature(), 25.0);
    EXPECT_EQ(lib.time_unit(), "1ns");
    const tesa::LibertyCell* aoi = lib.find_cell("AOI21_X1");
    ASSERT_NE(aoi, nullptr);
    EXPECT_DOUBLE_EQ(aoi->area, 1.064);
    EXPECT_FALSE(aoi->sequential);
    const tesa::LibertyPin* zn = aoi->find_pin("ZN");
    ASSERT_NE(zn, nullptr);
    EXPECT_EQ(zn->direction, tesa::PinDirection::Output);
    EXPECT_EQ(zn->function, "!(A | (B1 & B2))");
    EXPECT_EQ(aoi->find_pin("B1")->direction, tesa::PinDirection::Input);
    EXPECT_EQ(aoi->find_pin("VDD"), nullptr) << "pg_pin is not a logic pin";
    ASSERT_NE(lib.find_cell("DFF_X1"), nullptr);
    EXPECT_TRUE(lib.find_cell("DFF_X1")->sequential);
    EXPECT_EQ(lib.find_cell("NO_SUCH_CELL"), nullptr);
}

TEST(LibertyLibrary, ThreeCornersHaveSameCellsAndTheirOwnOperatingPoint) {
    LibertyLibrary typ = LibertyLibrary::read(pdk("typ"));
    LibertyLibrary fast = LibertyLibrary::read(pdk("fast"));
    LibertyLibrary slow = LibertyLibrary::read(pdk("slow"));
    EXPECT_EQ(typ.cells().size(), fast.cells().size());
    EXPECT_EQ(typ.cells().size(), slow.cells().size());
    EXPECT_GT(fast.nom_voltage(), typ.nom_voltage());
    EXPECT_LT(slow.nom_voltage(), typ.nom_voltage());
    EXPECT_DOUBLE_EQ(slow.nom_temperature(), 125.0);
}

TEST(LibertyLibrary, MissingFileIsNamed) {
    expect_error([] { LibertyLibrary::read("/nonexistent/x.lib"); }, {"/nonexistent/x.lib", "no such file"});
}

TEST(LibertyLibrary, TruncatedLibertyNamesFileAndOpenGroup) {
    std::string text = tesa::read_file(pdk("typ"));
    fs::path f = fs::temp_directory_path() / "tesa_truncated.lib";
    std::ofstream(f) << text.substr(0, text.size() / 2);
    expect_error([&] { LibertyLibrary::read(f); }, {f.string() + ":", "end of file", "truncated"});
    fs::remove(f);
}

TEST(LibertyLibrary, TruncatedGzipIsReportedAsCorrupt) {
    std::string gz;
    {
        std::ifstream in(pdk("typ"), std::ios::binary);
        gz.assign(std::istreambuf_iterator<char>(in), {});
    }
    fs::path f = fs::temp_directory_path() / "tesa_truncated.lib.gz";
    std::ofstream(f, std::ios::binary) << gz.substr(0, gz.size() / 3);
    expect_error([&] { LibertyLibrary::read(f); }, {f.string(), "gzip"});
    fs::remove(f);
}

TEST(LibertyReader, SyntaxErrorsCarryFileAndLine) {
    expect_error([] { LibertyLibrary::parse("library (x) {\n  cell (A) {\n    area : ;\n  }\n}\n", "bad.lib"); },
                 {"bad.lib:3:", "area"});
    expect_error([] { LibertyLibrary::parse("", "empty.lib"); }, {"empty.lib:1:", "empty"});
    expect_error([] { LibertyLibrary::parse("cell (A) { }", "nolib.lib"); }, {"nolib.lib:1:", "library"});
    expect_error([] { LibertyLibrary::parse("library (x) {\n  cell (A) {\n    area : 1;\n    pin (Z) { direction : sideways; }\n  }\n}\n", "dir.lib"); },
                 {"dir.lib:4:", "sideways"});
    expect_error([] { LibertyLibrary::parse("library (x) {\n  time_unit : \"1ns\";\n}\n", "nocells.lib"); },
                 {"nocells.lib:1:", "no cells"});
}

TEST(LibertyReader, AcceptsContinuationsCommentsAndMissingSemicolon) {
    LibertyLibrary lib = LibertyLibrary::parse(
        "/* header */ library (x) {\n"
        "  nom_voltage : 0.9\n"
        "  cell (INV) { area : 0.5; /* c */\n"
        "    pin (A) { direction : input; }\n"
        "    pin (ZN) { direction : output; function : \"!A\"; \\\n"
        "    }\n"
        "  }\n"
        "}\n",
        "ok.lib");
    EXPECT_DOUBLE_EQ(lib.nom_voltage(), 0.9);
    ASSERT_NE(lib.find_cell("INV"), nullptr);
    EXPECT_EQ(lib.find_cell("INV")->find_pin("ZN")->function, "!A");
}

TEST(LibertyReader, DeepNestingAndNonFiniteNumbersAreRefusedNotCrashed) {
    std::string deep = "library (x) {\n";
    for (int i = 0; i < 100000; ++i) deep += "g (a) {\n";  // once a stack overflow
    expect_error([&] { LibertyLibrary::parse(deep, "deep.lib"); }, {"deep.lib:", "nested more than 64 deep"});
    for (const char* v : {"nan", "inf", "-1", "1e999", "0x"})
        expect_error([&] { LibertyLibrary::parse(std::string("library (x) {\n  cell (A) {\n    area : ") + v + " ;\n  }\n}\n", "area.lib"); },
                     {"area.lib:3: attribute 'area'"});
    expect_error([] { LibertyLibrary::parse("library (x) {\n  nom_voltage : nan ;\n  cell (A) { area : 1 ; }\n}\n", "v.lib"); },
                 {"v.lib:2: attribute 'nom_voltage'", "not a number"});
}

}  // namespace
