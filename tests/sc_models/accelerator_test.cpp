// The accelerator end to end over TLM: a host loads operands and a firmware stream into DRAM,
// starts the accelerator through its registers and waits for the interrupt; the requantized layer
// output in DRAM equals the reference, for both dataflows (tiles over K, accumulated). Corrupt
// firmware and out-of-range GEMM operands stop the stream with an error code, and the
// accelerator still takes the next start.
#include "sc_models/accelerator.h"
#include "sc_models/memory.h"
#include "sc_models/simulation_context.h"

#include "common/rng.h"

#include <gtest/gtest.h>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstring>
#include <functional>

using namespace tesa;

namespace {

struct Host : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Host> socket;
    sc_core::sc_in<bool> irq;
    std::function<void(Host&)> script;
    explicit Host(const sc_core::sc_module_name& n) : sc_core::sc_module(n), socket("socket"), irq("irq") {
        SC_HAS_PROCESS(Host);
        SC_THREAD(run);
    }
    void run() { script(*this); }
    uint32_t reg(tlm::tlm_command cmd, uint32_t addr, uint32_t v = 0) {
        tlm::tlm_generic_payload p;
        sc_core::sc_time d = sc_core::SC_ZERO_TIME;
        p.set_command(cmd);
        p.set_address(addr);
        p.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
        p.set_data_length(4);
        p.set_streaming_width(4);
        socket->b_transport(p, d);
        EXPECT_TRUE(p.is_response_ok()) << std::hex << addr;
        wait(d);
        return v;
    }
    // Starts the stream at `base` and waits for the interrupt; returns STATUS.
    uint32_t run_stream(uint64_t base, uint32_t size) {
        reg(tlm::TLM_WRITE_COMMAND, RegisterBlock::kIrq, 1);
        reg(tlm::TLM_WRITE_COMMAND, RegisterBlock::kFwBaseLo, static_cast<uint32_t>(base));
        reg(tlm::TLM_WRITE_COMMAND, RegisterBlock::kFwSize, size);
        reg(tlm::TLM_WRITE_COMMAND, RegisterBlock::kCtrl, RegisterBlock::kCtrlStart | RegisterBlock::kCtrlIrqEnable);
        wait(irq.posedge_event());
        return reg(tlm::TLM_READ_COMMAND, RegisterBlock::kStatus);
    }
};

void dbg(Memory& m, bool write, uint64_t addr, void* data, unsigned n) {
    tlm::tlm_generic_payload p;
    p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(addr);
    p.set_data_ptr(static_cast<unsigned char*>(data));
    p.set_data_length(n);
    p.set_streaming_width(n);
    ASSERT_EQ(m.socket.get_base_export()->transport_dbg(p), n);
}

constexpr int M = 5, K = 20, N = 6;  // positions, fan-in, channels

// One layer: DMAs in, two GEMM tiles over K (the second accumulates), requantize + ReLU, DMA out.
std::vector<uint8_t> layer_stream(bool os, bool weight_b, uint32_t out_addr, uint32_t a_offset = 0) {
    using namespace fw;
    std::vector<Command> s;
    s.emplace_back(DmaCmd{false, Buffer::Weights, 0x20000, 0, K, N, N});
    s.emplace_back(DmaCmd{false, Buffer::Activations, 0x10000, 0, M, K, K});
    s.emplace_back(DmaCmd{false, Buffer::Parameters, 0x30000, 0, 1, 12 * N, 12 * N});
    s.emplace_back(SyncCmd{});
    s.emplace_back(GemmCmd{M, N, 10, a_offset, 0, 0, K, N, N, os, weight_b, false});
    s.emplace_back(GemmCmd{M, N, 10, a_offset + 10, 10 * N, 0, K, N, N, os, weight_b, true});
    s.emplace_back(PostCmd{PostOp::Requantize, true, 0, 0, 0x1000, 0, N, M, 1, 0, 0});
    s.emplace_back(DmaCmd{true, Buffer::Outputs, out_addr, 0x1000, 1, M * N, M * N});
    s.emplace_back(InterruptCmd{9});
    s.emplace_back(EndCmd{});
    return encode(s);
}

TEST(Accelerator, FirmwareRunsALayerEndToEndAndStopsCleanlyOnBadStreams) {
    fresh_simulation_context();
    sc_core::sc_clock clk("clk", sc_core::sc_time(1, sc_core::SC_NS));
    sc_core::sc_signal<bool> irq("irq");
    Memory dram("dram", 1 << 20, sc_core::sc_time(20, sc_core::SC_NS), 16.0);
    AcceleratorConfig cfg;
    cfg.rows = 4;
    cfg.cols = 4;
    cfg.weight_bytes = cfg.activation_bytes = cfg.output_bytes = 8192;
    cfg.parameter_bytes = 1024;
    Accelerator acc("acc", cfg, MultiplierBackend::fast(std::make_shared<TransitionTable>(TransitionTable::clean())));
    Host host("host");
    acc.clk(clk);
    acc.irq(irq);
    host.irq(irq);
    host.socket.bind(acc.registers());
    acc.dram().bind(dram.socket);

    Rng rng(5);
    int8_t a[M * K], b[K * N];
    for (auto& x : a) x = static_cast<int8_t>(rng.below(128));
    for (auto& x : b) x = static_cast<int8_t>(static_cast<int>(rng.below(256)) - 128);
    int32_t prm[N * 3];
    for (int c = 0; c < N; ++c) {
        prm[3 * c] = static_cast<int32_t>(rng.below(2000)) - 1000;  // bias
        prm[3 * c + 1] = 1000000 + static_cast<int32_t>(rng.below(1000000));  // m0
        prm[3 * c + 2] = 31;  // shift
    }
    dbg(dram, true, 0x10000, a, sizeof a);
    dbg(dram, true, 0x20000, b, sizeof b);
    dbg(dram, true, 0x30000, prm, sizeof prm);
    int8_t expect[N * M];
    for (int c = 0; c < N; ++c)
        for (int m = 0; m < M; ++m) {
            int64_t acc64 = prm[3 * c];
            for (int k = 0; k < K; ++k) acc64 += a[m * K + k] * b[k * N + c];
            const int64_t v = (acc64 * prm[3 * c + 1] + (int64_t{1} << 30)) >> 31;
            expect[c * M + m] = static_cast<int8_t>(v < 0 ? 0 : (v > 127 ? 127 : v));
        }

    std::vector<uint32_t> status, codes;
    std::vector<std::vector<int8_t>> outputs;
    uint32_t macs = 0;
    host.script = [&](Host& h) {
        uint32_t base = 0;
        for (bool os : {false, true}) {
            const std::vector<uint8_t> fw = layer_stream(os, os, 0x40000 + 0x100 * os);
            std::vector<uint8_t> copy = fw;
            dbg(dram, true, base, copy.data(), static_cast<unsigned>(copy.size()));
            status.push_back(h.run_stream(base, static_cast<uint32_t>(fw.size())));
            codes.push_back(h.reg(tlm::TLM_READ_COMMAND, RegisterBlock::kIrqCode));
            macs = h.reg(tlm::TLM_READ_COMMAND, RegisterBlock::kMacsLo);
            std::vector<int8_t> out(M * N);
            dbg(dram, false, 0x40000 + 0x100 * os, out.data(), M * N);
            outputs.push_back(out);
            base += 0x1000;
        }
        // a corrupt stream: one flipped bit
        std::vector<uint8_t> bad = layer_stream(false, false, 0x40000);
        bad[60] ^= 4;
        dbg(dram, true, 0x5000, bad.data(), static_cast<unsigned>(bad.size()));
        status.push_back(h.run_stream(0x5000, static_cast<uint32_t>(bad.size())));
        codes.push_back(h.reg(tlm::TLM_READ_COMMAND, RegisterBlock::kErrorCode));
        // operands beyond the activation scratchpad
        std::vector<uint8_t> range = layer_stream(false, false, 0x40000, 8190);
        dbg(dram, true, 0x6000, range.data(), static_cast<unsigned>(range.size()));
        status.push_back(h.run_stream(0x6000, static_cast<uint32_t>(range.size())));
        codes.push_back(h.reg(tlm::TLM_READ_COMMAND, RegisterBlock::kErrorCode));
        sc_core::sc_stop();
    };
    sc_core::sc_start(1, sc_core::SC_MS);
    ASSERT_EQ(outputs.size(), 2u);
    for (const auto& out : outputs) EXPECT_EQ(std::memcmp(out.data(), expect, sizeof expect), 0);
    EXPECT_EQ(macs, static_cast<uint32_t>(M * N * K));
    const uint32_t err = RegisterBlock::kStatusDone | RegisterBlock::kStatusError;
    EXPECT_EQ(status, (std::vector<uint32_t>{RegisterBlock::kStatusDone, RegisterBlock::kStatusDone, err, err}));
    EXPECT_EQ(codes, (std::vector<uint32_t>{9, 9, kFirmwareCorrupt, kGemmRange}));
}

}  // namespace
