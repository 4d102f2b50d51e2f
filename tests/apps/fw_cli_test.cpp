// `tesa fw` as users run it: the documented example disassembles; a corrupt file is reported.
#include "cli_test_util.h"

#include "common/file_util.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

namespace {

using tesa::test::CliRun;
using tesa::test::contains;
using tesa::test::run_tesa;

TEST(FwCli, ExampleStreamDisassemblesAndCorruptionIsReported) {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("tesa_fw_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string f = (dir / "ex.fw").string();
    ASSERT_EQ(run_tesa({"fw", "example", f}).code, 0);
    CliRun d = run_tesa({"fw", "dump", f});
    ASSERT_EQ(d.code, 0) << d.err;
    EXPECT_TRUE(contains(d.out, "12 commands, 388 bytes, CRC ok")) << d.out;
    EXPECT_TRUE(contains(d.out, "0000e4  gemm       ws M=16 N=16 K=64 A=act+0x0/64 B=wgt+0x10/32 C=out+0x40/32 tag 0.1")) << d.out;
    EXPECT_TRUE(contains(d.out, "000180  end")) << d.out;
    std::string bytes = tesa::read_file(f);
    bytes[100] = static_cast<char>(bytes[100] ^ 1);
    tesa::write_file_atomic(f, bytes);
    d = run_tesa({"fw", "dump", f});
    EXPECT_EQ(d.code, 1);
    EXPECT_TRUE(contains(d.err, f + ": byte 16: CRC mismatch")) << d.err;
    d = run_tesa({"fw", "frob", f});
    EXPECT_TRUE(contains(d.err, "unknown action 'frob'")) << d.err;
    std::filesystem::remove_all(dir);
}

}  // namespace
