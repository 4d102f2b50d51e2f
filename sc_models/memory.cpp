// memory.cpp -- timed and debug accesses to the DRAM model.
#include "sc_models/memory.h"

#include "common/error.h"

#include <cstring>

namespace tesa {

Memory::Memory(const sc_core::sc_module_name& name, uint64_t bytes, sc_core::sc_time latency, double bytes_per_ns)
    : sc_core::sc_module(name), socket("socket"), data_(bytes, 0), latency_(latency), bytes_per_ns_(bytes_per_ns) {
    if (!(bytes_per_ns > 0)) fail("memory bandwidth must be positive");
    socket.register_b_transport(this, &Memory::b_transport);
    socket.register_transport_dbg(this, &Memory::transport_dbg);
}

bool Memory::check(tlm::tlm_generic_payload& p) const {
    const uint64_t a = p.get_address(), n = p.get_data_length();
    if (p.get_byte_enable_ptr() || p.get_streaming_width() < n) {
        p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return false;
    }
    if (a > data_.size() || n > data_.size() - a) {
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    if (!p.is_read() && !p.is_write()) {
        p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return false;
    }
    return true;
}

void Memory::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    delay += latency_;
    if (!check(p)) return;
    const uint64_t a = p.get_address(), n = p.get_data_length();
    if (p.is_read()) {
        std::memcpy(p.get_data_ptr(), data_.data() + a, n);
        read_ += n;
    } else {
        std::memcpy(data_.data() + a, p.get_data_ptr(), n);
        written_ += n;
    }
    delay += sc_core::sc_time(static_cast<double>(n) / bytes_per_ns_, sc_core::SC_NS);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Memory::transport_dbg(tlm::tlm_generic_payload& p) {
    if (!check(p)) return 0;
    const uint64_t a = p.get_address(), n = p.get_data_length();
    if (p.is_read()) std::memcpy(p.get_data_ptr(), data_.data() + a, n);
    else std::memcpy(data_.data() + a, p.get_data_ptr(), n);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    return static_cast<unsigned>(n);
}

}  // namespace tesa
