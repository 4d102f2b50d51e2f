// dma_engine.cpp -- row-by-row TLM transfers with bounds and response checks.
#include "sc_models/dma_engine.h"

namespace tesa {

DmaEngine::DmaEngine(const sc_core::sc_module_name& name, std::array<Scratchpad*, 4> buffers)
    : sc_core::sc_module(name), socket("socket"), buffers_(buffers) {}

uint32_t DmaEngine::execute(const fw::DmaCmd& cmd) {
    Scratchpad* spad = buffers_[static_cast<size_t>(cmd.buffer)];
    const uint64_t total = static_cast<uint64_t>(cmd.rows) * cmd.row_bytes;
    if (!spad || !spad->fits(cmd.spad_offset, total)) return kDmaScratchpadRange;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    tlm::tlm_generic_payload p;
    for (uint32_t r = 0; r < cmd.rows; ++r) {
        p.set_command(cmd.to_dram ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        p.set_address(cmd.dram_addr + static_cast<uint64_t>(r) * cmd.dram_stride);
        p.set_data_ptr(spad->at(cmd.spad_offset + static_cast<uint64_t>(r) * cmd.row_bytes));
        p.set_data_length(cmd.row_bytes);
        p.set_streaming_width(cmd.row_bytes);
        p.set_byte_enable_ptr(nullptr);
        p.set_dmi_allowed(false);
        p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        socket->b_transport(p, delay);
        if (!p.is_response_ok()) {
            wait(delay);
            return kDmaBusError;
        }
    }
    wait(delay);
    bytes_ += total;
    return kDmaOk;
}

uint32_t DmaEngine::read_dram(uint64_t addr, uint8_t* out, uint32_t bytes) {
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    tlm::tlm_generic_payload p;
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_address(addr);
    p.set_data_ptr(out);
    p.set_data_length(bytes);
    p.set_streaming_width(bytes);
    p.set_byte_enable_ptr(nullptr);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(p, delay);
    wait(delay);
    return p.is_response_ok() ? kDmaOk : kDmaBusError;
}

}  // namespace tesa
