// command_stream.cpp -- encoding, decoding with full validation, and disassembly of the stream.
#include "firmware/command_stream.h"

#include "common/error.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <type_traits>

namespace tesa::fw {

namespace {

// Fields (32-bit words) after the 4-byte head, per opcode.
constexpr uint16_t field_words(Opcode op) {
    switch (op) {
        case Opcode::Dma: return 12;  // addr lo, hi, spad offset, rows, row bytes, DRAM row stride, planes,
                                      // DRAM plane stride, spad row, plane strides, DRAM, spad element strides
        case Opcode::Gemm: return 10;         // m, n, k, a, b, c offsets, a, b, c row pitches, tag
        case Opcode::PostProcess: return 10;  // src, src2, dst, param, channels, height, width, kernel, stride, pad channels
        case Opcode::Sync: return 0;
        case Opcode::Interrupt: return 1;     // code
        case Opcode::End: return 0;
    }
    return 0;
}

// flags bits
constexpr uint8_t kToDram = 0x01;  // Dma; buffer in bits 4-5
constexpr uint8_t kOs = 0x01, kWeightB = 0x02, kAccumulate = 0x04;  // Gemm
constexpr uint8_t kRelu = 0x01;  // PostProcess; op in bits 4-6

void put32(std::vector<uint8_t>& out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
uint32_t get32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24; }

uint32_t crc(const uint8_t* p, size_t n) {
    uLong c = crc32(0L, Z_NULL, 0);
    while (n) {  // zlib takes uInt lengths
        const uInt chunk = static_cast<uInt>(n > (1u << 30) ? (1u << 30) : n);
        c = crc32(c, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return static_cast<uint32_t>(c);
}

void head(std::vector<uint8_t>& out, Opcode op, uint8_t flags) {
    out.push_back(static_cast<uint8_t>(op));
    out.push_back(flags);
    const uint16_t len = static_cast<uint16_t>(4 + 4 * field_words(op));
    out.push_back(static_cast<uint8_t>(len));
    out.push_back(static_cast<uint8_t>(len >> 8));
}

}  // namespace

std::vector<uint8_t> encode(const std::vector<Command>& commands) {
    if (commands.empty() || !std::holds_alternative<EndCmd>(commands.back())) fail("firmware: a command stream must end with End");
    std::vector<uint8_t> p;
    for (const Command& c : commands) {
        std::visit(
            [&p](const auto& x) {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, DmaCmd>) {
                    head(p, Opcode::Dma, static_cast<uint8_t>((x.to_dram ? kToDram : 0) | static_cast<uint8_t>(x.buffer) << 4));
                    for (uint32_t v : {static_cast<uint32_t>(x.dram_addr), static_cast<uint32_t>(x.dram_addr >> 32), x.spad_offset, x.rows,
                                       x.row_bytes, x.dram_stride, x.planes, x.dram_plane_stride, x.spad_row_stride, x.spad_plane_stride,
                                       x.dram_elem_stride, x.spad_elem_stride})
                        put32(p, v);
                } else if constexpr (std::is_same_v<T, GemmCmd>) {
                    head(p, Opcode::Gemm,
                         static_cast<uint8_t>((x.output_stationary ? kOs : 0) | (x.weight_on_b ? kWeightB : 0) | (x.accumulate ? kAccumulate : 0)));
                    for (uint32_t v : {x.m, x.n, x.k, x.a_offset, x.b_offset, x.c_offset, x.a_pitch, x.b_pitch, x.c_pitch, x.tag}) put32(p, v);
                } else if constexpr (std::is_same_v<T, PostCmd>) {
                    head(p, Opcode::PostProcess, static_cast<uint8_t>((x.relu ? kRelu : 0) | static_cast<uint8_t>(x.op) << 4));
                    for (uint32_t v : {x.src_offset, x.src2_offset, x.dst_offset, x.param_offset, x.channels, x.height, x.width, x.kernel, x.stride,
                                       x.pad_channels})
                        put32(p, v);
                } else if constexpr (std::is_same_v<T, SyncCmd>) {
                    head(p, Opcode::Sync, 0);
                } else if constexpr (std::is_same_v<T, InterruptCmd>) {
                    head(p, Opcode::Interrupt, 0);
                    put32(p, x.code);
                } else {
                    head(p, Opcode::End, 0);
                }
            },
            c);
    }
    std::vector<uint8_t> out;
    out.reserve(kHeaderBytes + p.size());
    put32(out, kMagic);
    out.push_back(static_cast<uint8_t>(kVersion));
    out.push_back(static_cast<uint8_t>(kVersion >> 8));
    out.push_back(static_cast<uint8_t>(kHeaderBytes));
    out.push_back(0);
    put32(out, static_cast<uint32_t>(commands.size()));
    put32(out, static_cast<uint32_t>(p.size()));
    put32(out, crc(p.data(), p.size()));
    put32(out, 0);  // reserved
    out.insert(out.end(), p.begin(), p.end());
    return out;
}

std::vector<Command> decode(const std::vector<uint8_t>& s, const std::string& name) {
    auto bad = [&name](size_t at, const std::string& what) { fail(name + ": byte " + std::to_string(at) + ": " + what); };
    if (s.size() < kHeaderBytes) bad(0, "too short for a firmware header (" + std::to_string(s.size()) + " bytes)");
    if (get32(s.data()) != kMagic) bad(0, "not a tesa firmware stream (bad magic)");
    const uint16_t version = static_cast<uint16_t>(s[4] | s[5] << 8);
    if (version != kVersion) bad(4, "firmware version " + std::to_string(version) + ", this tesa reads version " + std::to_string(kVersion));
    if ((s[6] | s[7] << 8) != kHeaderBytes) bad(6, "unexpected header size");
    const uint32_t count = get32(s.data() + 8), payload = get32(s.data() + 12), want_crc = get32(s.data() + 16);
    if (s.size() - kHeaderBytes != payload)
        bad(12, "payload of " + std::to_string(payload) + " bytes announced, " + std::to_string(s.size() - kHeaderBytes) + " present");
    if (crc(s.data() + kHeaderBytes, payload) != want_crc) bad(16, "CRC mismatch: the stream is corrupt");
    std::vector<Command> out;
    size_t at = kHeaderBytes;
    while (at < s.size()) {
        if (s.size() - at < 4) bad(at, "truncated command head");
        const uint8_t op = s[at], flags = s[at + 1];
        const uint16_t len = static_cast<uint16_t>(s[at + 2] | s[at + 3] << 8);
        if (op < 1 || op > 6) bad(at, "unknown opcode " + std::to_string(op));
        const Opcode o = static_cast<Opcode>(op);
        if (len != 4 + 4 * field_words(o)) bad(at, "command length " + std::to_string(len) + " wrong for opcode " + std::to_string(op));
        if (s.size() - at < len) bad(at, "truncated command");
        if (!out.empty() && std::holds_alternative<EndCmd>(out.back())) bad(at, "command after End");
        const uint8_t* f = s.data() + at + 4;
        auto w = [f](int i) { return get32(f + 4 * i); };
        switch (o) {
            case Opcode::Dma: {
                const uint8_t buf = (flags >> 4) & 3;
                if (flags & ~(kToDram | 0x30)) bad(at, "unknown DMA flags");
                DmaCmd d{(flags & kToDram) != 0, static_cast<Buffer>(buf), w(0) | static_cast<uint64_t>(w(1)) << 32, w(2), w(3), w(4), w(5),
                         w(6), w(7), w(8), w(9), w(10), w(11)};
                if (d.row_bytes == 0 || d.rows == 0 || d.planes == 0) bad(at, "DMA of zero bytes");
                if (d.to_dram && d.dram_elem_stride != 1) bad(at, "DMA to DRAM with a DRAM element stride other than 1");
                if (d.dram_elem_stride == 0 || d.spad_elem_stride == 0) bad(at, "DMA with a zero element stride");
                out.emplace_back(d);
                break;
            }
            case Opcode::Gemm: {
                if (flags & ~(kOs | kWeightB | kAccumulate)) bad(at, "unknown GEMM flags");
                GemmCmd g{w(0), w(1), w(2), w(3), w(4), w(5), w(6), w(7), w(8), (flags & kOs) != 0, (flags & kWeightB) != 0, (flags & kAccumulate) != 0, w(9)};
                if ((g.a_pitch && g.a_pitch < g.k) || (g.b_pitch && g.b_pitch < g.n) || (g.c_pitch && g.c_pitch < g.n))
                    bad(at, "GEMM row pitch shorter than its row");
                if (!g.m || !g.n || !g.k) bad(at, "GEMM with an empty dimension");
                out.emplace_back(g);
                break;
            }
            case Opcode::PostProcess: {
                const uint8_t pop = (flags >> 4) & 7;
                if (pop < 1 || pop > 6 || (flags & ~(kRelu | 0x70))) bad(at, "unknown post-processing operation " + std::to_string(pop));
                PostCmd pc{static_cast<PostOp>(pop), (flags & kRelu) != 0, w(0), w(1), w(2), w(3), w(4), w(5), w(6), w(7), w(8), w(9)};
                const bool windowed = pc.op == PostOp::MaxPool || pc.op == PostOp::AvgPool;
                if ((windowed && (pc.kernel == 0 || pc.stride == 0 || pc.kernel > pc.height || pc.kernel > pc.width)) ||
                    (pc.op == PostOp::ShortcutA && pc.stride == 0))
                    bad(at, "post-processing window or stride out of range");
                out.emplace_back(pc);
                break;
            }
            case Opcode::Sync: out.emplace_back(SyncCmd{}); break;
            case Opcode::Interrupt: out.emplace_back(InterruptCmd{w(0)}); break;
            case Opcode::End: out.emplace_back(EndCmd{}); break;
        }
        if (o != Opcode::Dma && o != Opcode::Gemm && o != Opcode::PostProcess && flags) bad(at, "unexpected flags");
        at += len;
    }
    if (out.size() != count) bad(8, std::to_string(count) + " commands announced, " + std::to_string(out.size()) + " present");
    if (out.empty() || !std::holds_alternative<EndCmd>(out.back())) bad(s.size(), "the stream does not end with End");
    return out;
}

std::string disassemble(const std::vector<Command>& commands) {
    static const char* kBuffers[] = {"weights", "activations", "outputs", "parameters"};
    static const char* kPost[] = {"?", "requantize", "add", "maxpool", "avgpool", "bias", "shortcut-a"};
    std::string text;
    size_t at = kHeaderBytes;
    char line[320];
    for (const Command& c : commands) {
        std::visit(
            [&](const auto& x) {
                using T = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<T, DmaCmd>) {
                    int n = std::snprintf(line, sizeof line, "%06zx  dma        %s %s+0x%x %s dram 0x%llx, %u x %u bytes, stride %u", at,
                                          x.to_dram ? "to-dram  " : "to-spad  ", kBuffers[static_cast<int>(x.buffer)], x.spad_offset,
                                          x.to_dram ? "->" : "<-", static_cast<unsigned long long>(x.dram_addr), x.rows, x.row_bytes, x.dram_stride);
                    if (x.planes != 1)
                        n += std::snprintf(line + n, sizeof line - n, ", %u planes stride %u", x.planes, x.dram_plane_stride);
                    if (x.dram_elem_stride != 1) n += std::snprintf(line + n, sizeof line - n, ", element stride %u", x.dram_elem_stride);
                    if (x.spad_row_stride || x.spad_plane_stride || x.spad_elem_stride != 1)
                        n += std::snprintf(line + n, sizeof line - n, "; spad strides %u/%u/%u", x.spad_elem_stride, x.spad_row_pitch(),
                                           x.spad_plane_pitch());
                    std::snprintf(line + n, sizeof line - n, "\n");
                    at += 4 + 4 * field_words(Opcode::Dma);
                } else if constexpr (std::is_same_v<T, GemmCmd>) {
                    std::snprintf(line, sizeof line, "%06zx  gemm       %s M=%u N=%u K=%u A=act+0x%x/%u B=wgt+0x%x/%u C=out+0x%x/%u%s%s tag %u.%u\n", at,
                                  x.output_stationary ? "os" : "ws", x.m, x.n, x.k, x.a_offset, x.a_pitch ? x.a_pitch : x.k, x.b_offset,
                                  x.b_pitch ? x.b_pitch : x.n, x.c_offset, x.c_pitch ? x.c_pitch : x.n,
                                  x.weight_on_b ? " weight-port-b" : "", x.accumulate ? " accumulate" : "", x.tag >> 16, x.tag & 0xffff);
                    at += 4 + 4 * field_words(Opcode::Gemm);
                } else if constexpr (std::is_same_v<T, PostCmd>) {
                    std::snprintf(line, sizeof line,
                                  "%06zx  post       %s%s src=0x%x src2=0x%x dst=0x%x param=0x%x %ux%ux%u kernel %u stride %u pad-channels %u\n", at,
                                  kPost[static_cast<int>(x.op)], x.relu ? "+relu" : "", x.src_offset, x.src2_offset, x.dst_offset,
                                  x.param_offset, x.channels, x.height, x.width, x.kernel, x.stride, x.pad_channels);
                    at += 4 + 4 * field_words(Opcode::PostProcess);
                } else if constexpr (std::is_same_v<T, SyncCmd>) {
                    std::snprintf(line, sizeof line, "%06zx  sync\n", at);
                    at += 4;
                } else if constexpr (std::is_same_v<T, InterruptCmd>) {
                    std::snprintf(line, sizeof line, "%06zx  interrupt  code %u\n", at, x.code);
                    at += 8;
                } else {
                    std::snprintf(line, sizeof line, "%06zx  end\n", at);
                    at += 4;
                }
            },
            c);
        text += line;
    }
    return text;
}

}  // namespace tesa::fw
