// dma_engine.h -- moves 3-D strided blocks (fw::DmaCmd) between DRAM (through its TLM initiator
// socket) and the accelerator's scratchpads, one TLM transaction per DRAM row. It runs inside a controller thread:
// execute() waits for the accumulated transaction delay (loosely timed) and returns an error
// code instead of throwing, so a bad command stops the accelerator cleanly.
#pragma once

#include "firmware/command_stream.h"
#include "sc_models/memory_traffic.h"
#include "sc_models/scratchpad.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <array>
#include <vector>

namespace tesa {

enum DmaError : uint32_t { kDmaOk = 0, kDmaScratchpadRange = 0x101, kDmaBusError = 0x102 };

class DmaEngine : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<DmaEngine> socket;

    // `buffers` indexed by fw::Buffer (weights, activations, outputs, parameters).
    DmaEngine(const sc_core::sc_module_name& name, std::array<Scratchpad*, 4> buffers);

    uint32_t execute(const fw::DmaCmd& cmd);  // call from an SC_THREAD
    // `bytes` from DRAM into `out` (the controller's firmware fetch); kDmaOk or kDmaBusError.
    uint32_t read_dram(uint64_t addr, uint8_t* out, uint32_t bytes);
    uint64_t bytes_moved() const { return bytes_; }
    // Bytes of every transaction so far (DRAM side: each transaction's length) and of the
    // scratchpad side of the transfers; memory_traffic.h says what counts.
    const MemoryTraffic& traffic() const { return traffic_; }

private:
    std::array<Scratchpad*, 4> buffers_;
    uint64_t bytes_ = 0;
    MemoryTraffic traffic_;
    std::vector<uint8_t> staging_;  // a strided row's span
};

}  // namespace tesa
