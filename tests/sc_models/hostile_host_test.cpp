// The SoC under hostile software: a seeded random host pokes registers (unaligned, out of the block,
// wrong sizes, START at random), and starts random firmware, mutated copies of a valid stream
// (bytes flipped, with and without a repaired CRC) and streams whose commands carry random or
// extreme fields (DMA descriptors beyond DRAM and scratchpads, GEMMs larger than their operands).
// Every program must end -- with DONE and a result, or with ERROR and a code -- within a bounded
// simulated time, and the simulation must never crash; the accelerator takes the next start.
#include "sc_models/simulation_context.h"
#include "sc_models/system.h"

#include "common/error.h"
#include "common/rng.h"
#include "firmware/command_stream.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <map>

using namespace tesa;

namespace {

// A valid one-layer stream (the controller's own test layer, smaller).
std::vector<uint8_t> valid_stream() {
    using namespace fw;
    constexpr uint32_t M = 5, K = 8, N = 4;
    std::vector<Command> s;
    s.emplace_back(DmaCmd{false, Buffer::Weights, 0x8000, 0, K, N, N});
    s.emplace_back(DmaCmd{false, Buffer::Activations, 0x9000, 0, M, K, K});
    s.emplace_back(DmaCmd{false, Buffer::Parameters, 0xa000, 0, 1, 12 * N, 12 * N});
    s.emplace_back(SyncCmd{});
    s.emplace_back(GemmCmd{M, N, K, 0, 0, 0, K, N, N, false, false, false});
    s.emplace_back(PostCmd{PostOp::Requantize, true, 0, 0, 0x400, 0, N, M, 1, 0, 0});
    s.emplace_back(DmaCmd{true, Buffer::Outputs, 0xb000, 0x400, 1, M * N, M * N});
    s.emplace_back(InterruptCmd{7});
    s.emplace_back(EndCmd{});
    return encode(s);
}

// Repairs the header's payload size and CRC-32 after the payload was changed.
void repair_header(std::vector<uint8_t>& s) {
    if (s.size() < fw::kHeaderBytes) return;
    const uint32_t payload = static_cast<uint32_t>(s.size() - fw::kHeaderBytes);
    const uint32_t c = static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0), s.data() + fw::kHeaderBytes, payload));
    for (int i = 0; i < 4; ++i) {
        s[12 + static_cast<size_t>(i)] = static_cast<uint8_t>(payload >> (8 * i));
        s[16 + static_cast<size_t>(i)] = static_cast<uint8_t>(c >> (8 * i));
    }
}

uint32_t extreme(Rng& rng) {
    static const uint32_t kValues[] = {0, 1, 2, 3, 7, 255, 256, 4095, 4096, 65535, 65536, 1u << 20, 0x7fffffffu, 0x80000000u, 0xffffffffu};
    return rng.next() % 3 == 0 ? static_cast<uint32_t>(rng.next()) : kValues[rng.next() % (sizeof kValues / sizeof kValues[0])];
}

// One random field of one random command set to a random or extreme value.
std::vector<uint8_t> mutate_fields(const std::vector<uint8_t>& valid, Rng& rng) {
    std::vector<fw::Command> cmds = fw::decode(valid, "valid");
    fw::Command& c = cmds[rng.next() % (cmds.size() - 1)];  // not the End
    const uint32_t v = extreme(rng);
    const int f = static_cast<int>(rng.next() % 8);
    if (auto* d = std::get_if<fw::DmaCmd>(&c)) {
        uint32_t* fields[] = {&d->spad_offset, &d->rows, &d->row_bytes, &d->dram_stride, &d->planes, &d->dram_plane_stride, &d->spad_row_stride, &d->spad_elem_stride};
        if (f == 7 && rng.next() % 2) d->dram_addr = (static_cast<uint64_t>(extreme(rng)) << 32) | v;
        else *fields[f] = v;
    } else if (auto* g = std::get_if<fw::GemmCmd>(&c)) {
        uint32_t* fields[] = {&g->m, &g->n, &g->k, &g->a_offset, &g->b_offset, &g->c_offset, &g->a_pitch, &g->c_pitch};
        *fields[f] = v;
    } else if (auto* p = std::get_if<fw::PostCmd>(&c)) {
        uint32_t* fields[] = {&p->src_offset, &p->dst_offset, &p->param_offset, &p->channels, &p->height, &p->width, &p->kernel, &p->stride};
        *fields[f] = v;
        p->op = static_cast<fw::PostOp>(1 + rng.next() % 6);
    }
    std::vector<uint8_t> out = fw::encode(cmds);  // the encoder writes any field values
    return out;
}

TEST(HostileHost, RandomRegistersAndFirmwareAlwaysEndWithAResultOrAnErrorCode) {
    fresh_simulation_context();
    SystemConfig sc;
    sc.dram_bytes = 1 << 20;
    AcceleratorConfig& a = sc.accelerator;
    a.rows = a.cols = 4;
    a.weight_bytes = a.activation_bytes = a.output_bytes = 8192;
    a.parameter_bytes = 1024;
    a.controller.max_firmware_bytes = 64 << 10;
    System sys("system", sc, MultiplierBackend::fast(std::make_shared<TransitionTable>(TransitionTable::clean())));
    constexpr int kPrograms = 400;
    std::map<std::string, int> outcome;
    int bus_errors = 0, hung = 0;
    const sc_core::sc_time limit(50, sc_core::SC_MS);  // far beyond what any accepted stream can take
    sys.host().script = [&](Host& h) {
        Rng rng(18);
        const std::vector<uint8_t> valid = valid_stream();
        std::vector<uint8_t> data(0x4000);
        for (auto& b : data) b = static_cast<uint8_t>(rng.next());
        for (uint32_t c = 0; c < 4; ++c) {  // requantization parameters {bias, m0, shift} per channel
            const int32_t q[3] = {static_cast<int32_t>(c) * 100, 1 << 20, 24};
            std::memcpy(&data[0x2000 + 12 * c], q, 12);
        }
        h.write(0x8000, data.data(), static_cast<uint32_t>(data.size()));  // operands for the valid stream
        for (int p = 0; p < kPrograms; ++p) {
            const int kind = p % 4;
            // Random register traffic before every program (and instead of one, every fourth).
            for (int i = 0, n = kind == 0 ? 24 : 3; i < n; ++i) {
                const uint32_t off = static_cast<uint32_t>(rng.next() % 0x48);
                const uint32_t bytes = 1u << (rng.next() % 4);
                uint64_t v = rng.next();
                try {
                    if (rng.next() % 2) h.write(System::kRegisterBase + off, &v, bytes);
                    else h.read(System::kRegisterBase + off, &v, bytes);
                } catch (const Error&) {
                    ++bus_errors;  // a TLM error response, as the register map says
                }
            }
            std::vector<uint8_t> fw;
            if (kind == 1) {
                fw.resize(rng.next() % 600);
                for (auto& b : fw) b = static_cast<uint8_t>(rng.next());
                if (fw.size() >= fw::kHeaderBytes && rng.next() % 2) {
                    std::memcpy(fw.data(), valid.data(), 8);  // magic, version, header size
                    repair_header(fw);
                }
            } else if (kind == 2) {
                fw = valid;
                for (int k = 1 + static_cast<int>(rng.next() % 4); k > 0; --k) fw[rng.next() % fw.size()] ^= static_cast<uint8_t>(1u << (rng.next() % 8));
                if (rng.next() % 2) repair_header(fw);
            } else {
                fw = kind == 3 ? mutate_fields(valid, rng) : valid;
            }
            const uint64_t base = rng.next() % 8 == 0 ? rng.next() % (2 * sc.dram_bytes) : 0x20000 + 64 * (rng.next() % 256);
            const uint32_t size = rng.next() % 8 == 0 ? static_cast<uint32_t>(rng.next()) : static_cast<uint32_t>(fw.size());
            try {
                if (!fw.empty() && base + fw.size() <= sc.dram_bytes) h.write(base, fw.data(), static_cast<uint32_t>(fw.size()));
                h.write_reg(RegisterBlock::kIrq, 1);
                h.write_reg(RegisterBlock::kFwBaseLo, static_cast<uint32_t>(base));
                h.write_reg(RegisterBlock::kFwBaseHi, static_cast<uint32_t>(base >> 32));
                h.write_reg(RegisterBlock::kFwSize, size);
                h.write_reg(RegisterBlock::kCtrl, RegisterBlock::kCtrlStart | RegisterBlock::kCtrlIrqEnable);
            } catch (const Error&) {
                ++bus_errors;
            }
            // Until the stream has ended (an Interrupt command raises the line before the End).
            const sc_core::sc_time until = sc_core::sc_time_stamp() + limit;
            uint32_t status = h.read_reg(RegisterBlock::kStatus);
            while ((status & RegisterBlock::kStatusBusy) && sc_core::sc_time_stamp() < until) {
                sc_core::wait(sc_core::sc_time(10, sc_core::SC_US), h.irq.posedge_event());
                status = h.read_reg(RegisterBlock::kStatus);
            }
            if (status & RegisterBlock::kStatusBusy) {
                ++hung;
                break;
            }
            if (status & RegisterBlock::kStatusError) {
                char code[16];
                std::snprintf(code, sizeof code, "error 0x%03x", h.read_reg(RegisterBlock::kErrorCode));
                ++outcome[code];
                EXPECT_NE(h.read_reg(RegisterBlock::kErrorCode), 0u);
            } else if (status & RegisterBlock::kStatusDone) {
                ++outcome["done"];
            } else {
                ++outcome["not started"];  // START was never written with a size (a bus error before it)
            }
        }
        // The accelerator still runs a good stream after all that.
        h.write(0x20000, valid.data(), static_cast<uint32_t>(valid.size()));
        const uint32_t st = h.run_stream(0x20000, static_cast<uint32_t>(valid.size()));
        while (h.read_reg(RegisterBlock::kStatus) & RegisterBlock::kStatusBusy) sc_core::wait(sc_core::sc_time(1, sc_core::SC_US));
        EXPECT_FALSE(h.read_reg(RegisterBlock::kStatus) & RegisterBlock::kStatusError) << std::hex << st;
        sc_core::sc_pause();
    };
    sc_core::sc_start();
    EXPECT_EQ(hung, 0) << "a program did not end within " << limit;
    int total = 0;
    std::printf("hostile host: %d programs, %d bus error responses;", kPrograms, bus_errors);
    for (const auto& [what, n] : outcome) {
        std::printf(" %s: %d", what.c_str(), n);
        total += n;
    }
    std::printf("\n");
    EXPECT_EQ(total, kPrograms);
    EXPECT_GT(outcome["done"], 0) << "some programs must run to the end";
    EXPECT_GT(total - outcome["done"] - outcome["not started"], kPrograms / 4) << "most hostile programs are refused with an error code";
}

}  // namespace
