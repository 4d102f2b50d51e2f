// dma_engine.cpp -- strided TLM transfers, one transaction per DRAM row, with bounds and response
// checks. A strided DRAM row is read as its whole span (what a burst costs) and gathered.
#include "sc_models/dma_engine.h"

#include "sc_models/tlm_payload.h"

#include <cstring>

namespace tesa {

DmaEngine::DmaEngine(const sc_core::sc_module_name& name, std::array<Scratchpad*, 4> buffers)
    : sc_core::sc_module(name), socket("socket"), buffers_(buffers) {}

uint32_t DmaEngine::execute(const fw::DmaCmd& cmd) {
    Scratchpad* spad = buffers_[static_cast<size_t>(cmd.buffer)];
    if (cmd.rows == 0 || cmd.row_bytes == 0 || cmd.planes == 0 || cmd.dram_elem_stride == 0 || cmd.spad_elem_stride == 0)
        return kDmaScratchpadRange;
    if (cmd.to_dram && cmd.dram_elem_stride != 1) return kDmaBusError;
    const uint64_t row_pitch = cmd.spad_row_pitch(), plane_pitch = cmd.spad_plane_pitch(), es = cmd.spad_elem_stride;
    const uint64_t last = (cmd.planes - 1) * plane_pitch + (cmd.rows - 1) * row_pitch + (cmd.row_bytes - 1) * es;
    if (!spad || !spad->fits(cmd.spad_offset, last + 1)) return kDmaScratchpadRange;
    const bool packed = es == 1 && cmd.dram_elem_stride == 1;
    const uint64_t span = (static_cast<uint64_t>(cmd.row_bytes) - 1) * cmd.dram_elem_stride + 1;
    if (!packed) staging_.resize(span);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    tlm::tlm_generic_payload p;
    for (uint32_t pl = 0; pl < cmd.planes; ++pl)
        for (uint32_t r = 0; r < cmd.rows; ++r) {
            uint8_t* s = spad->at(cmd.spad_offset + pl * plane_pitch + r * row_pitch);
            if (!packed && cmd.to_dram)
                for (uint32_t e = 0; e < cmd.row_bytes; ++e) staging_[e] = s[e * es];
            prepare_payload(p, cmd.to_dram ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND,
                            cmd.dram_addr + static_cast<uint64_t>(pl) * cmd.dram_plane_stride + static_cast<uint64_t>(r) * cmd.dram_stride,
                            packed ? s : staging_.data(), static_cast<uint32_t>(packed ? cmd.row_bytes : span));
            socket->b_transport(p, delay);
            if (!p.is_response_ok()) {
                wait(delay);
                return kDmaBusError;
            }
            (cmd.to_dram ? traffic_.dram_written : traffic_.dram_read) += p.get_data_length();
            (cmd.to_dram ? traffic_.spad_read : traffic_.spad_written)[static_cast<size_t>(cmd.buffer)] += cmd.row_bytes;
            if (!packed && !cmd.to_dram)
                for (uint32_t e = 0; e < cmd.row_bytes; ++e) s[e * es] = staging_[e * cmd.dram_elem_stride];
        }
    wait(delay);
    bytes_ += cmd.bytes();
    return kDmaOk;
}

uint32_t DmaEngine::read_dram(uint64_t addr, uint8_t* out, uint32_t bytes) {
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    tlm::tlm_generic_payload p;
    prepare_payload(p, tlm::TLM_READ_COMMAND, addr, out, bytes);
    socket->b_transport(p, delay);
    wait(delay);
    if (!p.is_response_ok()) return kDmaBusError;
    traffic_.dram_read += bytes;
    return kDmaOk;
}

}  // namespace tesa
