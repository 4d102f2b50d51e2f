// memory_traffic.h -- bytes moved by the SoC's memories: each scratchpad's reads and writes and
// DRAM's, per firmware command, per layer and per inference -- what the memory energy model
// (memory_energy.h) prices.
//
// Who counts what (the accelerator: DMA and GEMM counted where the access happens; the
// post-processing unit, a functional model without access-level structure, by the closed form):
//   DMA       DRAM -> scratchpad: DRAM read = each row's whole span (a strided gather still
//             bursts the span), scratchpad written = the bytes stored; scratchpad -> DRAM: the
//             bytes, read once and written once.
//   GEMM      the array's edge traffic (gemm.h GemmStats a/b/c counts): activations and weights
//             read (1 byte each), partial sums read back and written (4 bytes each); an
//             accumulating GEMM reads C once more (M N x 4 bytes).
//   Post      the post-processing unit's reads of its sources and parameters and writes of its
//             destination: Requantize/Bias 4 bytes per source element + 12 per channel, Add two
//             sources + 12 bytes, pooling k x k source bytes per output, option-A shortcut one
//             source byte per copied output.
//   Firmware  the controller's fetch of the stream: a DRAM read per stream (per inference).
// command_traffic gives the same figures from a command alone (closed forms), which is what the
// compiler's estimate uses; tests check that both agree.
#pragma once

#include "firmware/command_stream.h"
#include "sc_models/gemm.h"

#include <array>
#include <cstdint>
#include <vector>

namespace tesa {

struct MemoryTraffic {
    std::array<uint64_t, 4> spad_read{}, spad_written{};  // bytes, indexed by fw::Buffer
    uint64_t dram_read = 0, dram_written = 0;             // bytes

    uint64_t spad_bytes() const {
        uint64_t s = 0;
        for (size_t b = 0; b < 4; ++b) s += spad_read[b] + spad_written[b];
        return s;
    }
    uint64_t dram_bytes() const { return dram_read + dram_written; }
    MemoryTraffic& operator+=(const MemoryTraffic& o) {
        for (size_t b = 0; b < 4; ++b) {
            spad_read[b] += o.spad_read[b];
            spad_written[b] += o.spad_written[b];
        }
        dram_read += o.dram_read;
        dram_written += o.dram_written;
        return *this;
    }
    MemoryTraffic& operator-=(const MemoryTraffic& o) {  // o: an earlier reading of the same counters
        for (size_t b = 0; b < 4; ++b) {
            spad_read[b] -= o.spad_read[b];
            spad_written[b] -= o.spad_written[b];
        }
        dram_read -= o.dram_read;
        dram_written -= o.dram_written;
        return *this;
    }
    bool operator==(const MemoryTraffic& o) const {
        return spad_read == o.spad_read && spad_written == o.spad_written && dram_read == o.dram_read && dram_written == o.dram_written;
    }
    bool operator!=(const MemoryTraffic& o) const { return !(*this == o); }
};

// A GEMM command's scratchpad traffic from the array's counts of that command.
MemoryTraffic gemm_traffic(const fw::GemmCmd& g, const GemmStats& array);

// The traffic of one command on an R x C array, from the command alone (GEMM: the closed forms of
// gemm.h); SyncCmd, InterruptCmd and EndCmd move nothing.
MemoryTraffic command_traffic(const fw::Command& c, int rows, int cols);

}  // namespace tesa
