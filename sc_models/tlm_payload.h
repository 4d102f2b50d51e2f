// tlm_payload.h -- a generic payload set up for one plain transfer (no byte enables, streaming
// width = length, response incomplete until the target answers), as every initiator here needs.
#pragma once

#include <tlm>

#include <cstdint>

namespace tesa {

inline void prepare_payload(tlm::tlm_generic_payload& p, tlm::tlm_command cmd, uint64_t addr, void* data, uint32_t bytes) {
    p.set_command(cmd);
    p.set_address(addr);
    p.set_data_ptr(static_cast<unsigned char*>(data));
    p.set_data_length(bytes);
    p.set_streaming_width(bytes);
    p.set_byte_enable_ptr(nullptr);
    p.set_dmi_allowed(false);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

}  // namespace tesa
