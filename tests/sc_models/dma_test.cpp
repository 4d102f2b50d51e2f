// The DMA engine against the loosely-timed DRAM: 2-D blocks land packed in a scratchpad and go
// back strided, with the memory's latency and bandwidth as the elapsed time; a scratchpad range or
// a DRAM address out of bounds is an error code, not a crash.
#include "sc_models/dma_engine.h"
#include "sc_models/memory.h"
#include "sc_models/simulation_context.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>

using namespace tesa;

namespace {

struct Runner : sc_core::sc_module {
    std::function<void()> body;
    explicit Runner(const sc_core::sc_module_name& n) : sc_core::sc_module(n) {
        SC_HAS_PROCESS(Runner);
        SC_THREAD(run);
    }
    void run() { body(); }
};

void dbg(Memory& m, bool write, uint64_t addr, uint8_t* data, unsigned n) {
    tlm::tlm_generic_payload p;
    p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    p.set_address(addr);
    p.set_data_ptr(data);
    p.set_data_length(n);
    p.set_streaming_width(n);
    ASSERT_EQ(m.socket.get_base_export()->transport_dbg(p), n);
}

TEST(DmaEngine, StridedBlocksMoveWithTheMemorysTiming) {
    fresh_simulation_context();
    Memory dram("dram", 1 << 20, sc_core::sc_time(50, sc_core::SC_NS), 8.0);
    Scratchpad w("weights", 256), a("activations", 256), o("outputs", 256), prm("parameters", 64);
    DmaEngine dma("dma", {&w, &a, &o, &prm});
    dma.socket.bind(dram.socket);
    uint8_t image[4 * 64];
    for (unsigned i = 0; i < sizeof image; ++i) image[i] = static_cast<uint8_t>(i * 7 + 1);
    dbg(dram, true, 0x1000, image, sizeof image);

    std::vector<uint32_t> codes;
    sc_core::sc_time load_time;
    MemoryTraffic traffic, gathered;
    Runner run("run");
    run.body = [&] {
        const sc_core::sc_time t0 = sc_core::sc_time_stamp();
        codes.push_back(dma.execute({false, fw::Buffer::Activations, 0x1000, 32, 4, 16, 64}));
        load_time = sc_core::sc_time_stamp() - t0;
        codes.push_back(dma.execute({true, fw::Buffer::Activations, 0x8000, 32, 4, 16, 100}));
        codes.push_back(dma.execute({false, fw::Buffer::Activations, 0x1000, 250, 1, 16, 16}));  // past the scratchpad
        codes.push_back(dma.execute({false, fw::Buffer::Weights, (1 << 20) - 8, 0, 1, 16, 16}));  // past the DRAM
        traffic = dma.traffic();
        // A gather of every third byte bursts each row's whole span: 2 rows x ((8 - 1) x 3 + 1).
        fw::DmaCmd gather{false, fw::Buffer::Weights, 0x1000, 0, 2, 8, 64};
        gather.dram_elem_stride = 3;
        codes.push_back(dma.execute(gather));
        gathered = dma.traffic();
        gathered -= traffic;
    };
    sc_core::sc_start(10, sc_core::SC_US);
    ASSERT_EQ(codes, (std::vector<uint32_t>{kDmaOk, kDmaOk, kDmaScratchpadRange, kDmaBusError, kDmaOk}));
    for (unsigned r = 0; r < 4; ++r)
        for (unsigned i = 0; i < 16; ++i) EXPECT_EQ(a.at(32)[r * 16 + i], image[r * 64 + i]) << r << " " << i;
    EXPECT_EQ(load_time, sc_core::sc_time(4 * (50 + 16 / 8.0), sc_core::SC_NS)) << "per row: latency + bytes / bandwidth";
    uint8_t back[16];
    dbg(dram, false, 0x8000 + 3 * 100, back, 16);
    EXPECT_EQ(std::memcmp(back, image + 3 * 64, 16), 0);
    EXPECT_EQ(dma.bytes_moved(), 128u + 16);
    EXPECT_EQ(dram.bytes_read(), 64u + 2 * 22);
    EXPECT_EQ(dram.bytes_written(), 64u);
    // Traffic: what the transactions moved; the refused commands moved nothing.
    EXPECT_EQ(traffic.dram_read, 64u);
    EXPECT_EQ(traffic.dram_written, 64u);
    EXPECT_EQ(traffic.spad_written[1], 64u);
    EXPECT_EQ(traffic.spad_read[1], 64u);
    EXPECT_EQ(traffic.spad_bytes(), 128u);
    EXPECT_EQ(gathered.dram_read, 2u * 22);
    EXPECT_EQ(gathered.spad_written[0], 16u);
    EXPECT_EQ(gathered.spad_bytes(), 16u);
    fw::DmaCmd gather{false, fw::Buffer::Weights, 0x1000, 0, 2, 8, 64};
    gather.dram_elem_stride = 3;
    EXPECT_TRUE(command_traffic(gather, 4, 4) == gathered) << "the closed form of a DMA command";
    for (unsigned e = 0; e < 8; ++e) EXPECT_EQ(w.at(8)[e], image[64 + 3 * e]);
}

}  // namespace
