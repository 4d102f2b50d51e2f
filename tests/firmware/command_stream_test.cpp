// The firmware command stream: every command survives encode -> decode -> encode bit for bit;
// corrupt, truncated or malformed streams are reported with the byte where they go wrong.
#include "firmware/command_stream.h"

#include "test_util.h"

#include <gtest/gtest.h>
#include <zlib.h>

using namespace tesa::fw;

namespace {

std::vector<Command> every_command() {
    return {DmaCmd{false, Buffer::Weights, 0x123456789aULL, 16, 3, 40, 64},
            DmaCmd{true, Buffer::Outputs, 0x400000, 0x800, 1, 128, 128},
            DmaCmd{false, Buffer::Parameters, 0, 0, 1, 4, 4},
            DmaCmd{false, Buffer::Activations, 0x1000, 3, 5, 7, 66, 4, 1089, 700, 9, 2, 75},
            GemmCmd{7, 9, 300, 1, 2, 3, 320, 16, 0, true, true, true},
            GemmCmd{1, 1, 1, 0, 0, 0, 0, 0, 0, false, false, false},
            PostCmd{PostOp::Requantize, true, 1, 2, 3, 4, 16, 8, 8, 0, 0},
            PostCmd{PostOp::MaxPool, false, 5, 0, 6, 0, 6, 28, 28, 2, 2},
            PostCmd{PostOp::Add, true, 5, 9, 6, 12, 16, 32, 32, 0, 0},
            PostCmd{PostOp::Bias, false, 0, 0, 64, 0, 10, 1, 1, 0, 0},
            PostCmd{PostOp::ShortcutA, false, 0, 0, 512, 0, 16, 32, 32, 0, 2, 8},
            PostCmd{PostOp::AvgPool, false, 0, 0, 512, 0, 64, 8, 8, 8, 1},
            SyncCmd{},
            InterruptCmd{0xdeadbeef},
            EndCmd{}};
}

TEST(CommandStream, EveryCommandRoundTripsBitForBit) {
    const std::vector<uint8_t> s = encode(every_command());
    const std::vector<Command> back = decode(s, "s.fw");
    ASSERT_EQ(back.size(), every_command().size());
    EXPECT_EQ(encode(back), s);
    const auto& d = std::get<DmaCmd>(back[0]);
    EXPECT_EQ(d.dram_addr, 0x123456789aULL);
    EXPECT_EQ(d.rows, 3u);
    const auto& g = std::get<GemmCmd>(back[4]);
    EXPECT_TRUE(g.output_stationary && g.weight_on_b && g.accumulate);
    EXPECT_EQ(g.k, 300u);
    EXPECT_EQ(g.a_pitch, 320u);
    const auto& strided = std::get<DmaCmd>(back[3]);
    EXPECT_EQ(strided.planes, 4u);
    EXPECT_EQ(strided.dram_plane_stride, 1089u);
    EXPECT_EQ(strided.dram_elem_stride, 2u);
    EXPECT_EQ(strided.spad_elem_stride, 75u);
    EXPECT_EQ(strided.spad_plane_pitch(), 9u);
    EXPECT_EQ(std::get<PostCmd>(back[7]).op, PostOp::MaxPool);
    EXPECT_EQ(std::get<PostCmd>(back[10]).pad_channels, 8u);
    EXPECT_EQ(std::get<InterruptCmd>(back[13]).code, 0xdeadbeefu);
    const std::string text = disassemble(back);
    EXPECT_NE(text.find("gemm       os M=7 N=9 K=300"), std::string::npos) << text;
    EXPECT_NE(text.find("post       maxpool"), std::string::npos) << text;
    EXPECT_NE(text.find("post       shortcut-a"), std::string::npos) << text;
    EXPECT_NE(text.find("4 planes stride 1089, element stride 2; spad strides 75/700/9"), std::string::npos) << text;
    EXPECT_NE(text.find("interrupt  code 3735928559"), std::string::npos) << text;
}

TEST(CommandStream, CorruptStreamsNameTheByte) {
    const std::vector<uint8_t> good = encode(every_command());
    std::vector<uint8_t> s = good;
    s[40] ^= 0x10;  // a bit inside the payload
    tesa::test::expect_error([&] { decode(s, "x.fw"); }, {"x.fw: byte 16: CRC mismatch"});
    s = good;
    s[0] = 'X';
    tesa::test::expect_error([&] { decode(s, "x.fw"); }, {"x.fw: byte 0: not a tesa firmware stream"});
    s = good;
    s[4] = 9;
    tesa::test::expect_error([&] { decode(s, "x.fw"); }, {"byte 4: firmware version 9"});
    s = good;
    s.resize(s.size() - 3);
    tesa::test::expect_error([&] { decode(s, "x.fw"); }, {"byte 12: payload of"});
    tesa::test::expect_error([&] { decode({1, 2, 3}, "x.fw"); }, {"byte 0: too short"});
}

// A stream patched at `at` with its CRC made valid again, as a buggy compiler could write it.
std::vector<uint8_t> patched(std::vector<uint8_t> s, size_t at, uint8_t value) {
    s[at] = value;
    const uLong c = crc32(crc32(0L, Z_NULL, 0), s.data() + kHeaderBytes, static_cast<uInt>(s.size() - kHeaderBytes));
    for (int i = 0; i < 4; ++i) s[16 + i] = static_cast<uint8_t>(c >> (8 * i));
    return s;
}

TEST(CommandStream, MalformedCommandsAreRefused) {
    const std::vector<uint8_t> s = encode({SyncCmd{}, InterruptCmd{7}, EndCmd{}});
    tesa::test::expect_error([&] { decode(patched(s, kHeaderBytes, 42), "y.fw"); }, {"y.fw: byte 24: unknown opcode 42"});
    tesa::test::expect_error([&] { decode(patched(s, kHeaderBytes + 2, 8), "y.fw"); }, {"y.fw: byte 24: command length 8 wrong"});
    tesa::test::expect_error([&] { decode(patched(s, kHeaderBytes + 5, 0x80), "y.fw"); }, {"y.fw: byte 28: unexpected flags"});
    tesa::test::expect_error([&] { decode(patched(s, 8, 5), "y.fw"); }, {"y.fw: byte 8: 5 commands announced, 3 present"});
    tesa::test::expect_error([&] { decode(patched(s, kHeaderBytes + 12, 4), "y.fw"); }, {"the stream does not end with End"});
    tesa::test::expect_error([] { encode({SyncCmd{}}); }, {"must end with End"});
    tesa::test::expect_error([] { decode(encode({GemmCmd{0, 1, 1, 0, 0, 0, 0, 0, 0, false, false, false}, EndCmd{}}), "z.fw"); },
                             {"z.fw: byte 24: GEMM with an empty dimension"});
    tesa::test::expect_error([] { decode(encode({GemmCmd{4, 8, 8, 0, 0, 0, 8, 4, 0, false, false, false}, EndCmd{}}), "z.fw"); },
                             {"z.fw: byte 24: GEMM row pitch shorter than its row"});
    tesa::test::expect_error([] { decode(encode({DmaCmd{false, Buffer::Weights, 0, 0, 1, 0, 0}, EndCmd{}}), "z.fw"); },
                             {"z.fw: byte 24: DMA of zero bytes"});
    tesa::test::expect_error([] { decode(encode({EndCmd{}, SyncCmd{}, EndCmd{}}), "z.fw"); }, {"z.fw: byte 28: command after End"});
    tesa::test::expect_error([] { decode(encode({DmaCmd{true, Buffer::Outputs, 0, 0, 1, 4, 4, 1, 0, 0, 0, 2, 1}, EndCmd{}}), "z.fw"); },
                             {"z.fw: byte 24: DMA to DRAM with a DRAM element stride other than 1"});
    tesa::test::expect_error([] { decode(encode({PostCmd{PostOp::MaxPool, false, 0, 0, 0, 0, 4, 2, 2, 3, 1}, EndCmd{}}), "z.fw"); },
                             {"z.fw: byte 24: post-processing window or stride out of range"});
}

}  // namespace
