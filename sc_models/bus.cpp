// bus.cpp -- address decoding with window-relative forwarding.
#include "sc_models/bus.h"

#include "common/error.h"

namespace tesa {

Bus::Bus(const sc_core::sc_module_name& name) : sc_core::sc_module(name), targets("targets"), initiators("initiators") {
    targets.register_b_transport(this, &Bus::b_transport);
    targets.register_transport_dbg(this, &Bus::transport_dbg);
}

void Bus::map(uint64_t base, uint64_t size) {
    for (const Window& w : windows_)
        if (base < w.base + w.size && w.base < base + size) fail(std::string(name()) + ": address windows overlap");
    windows_.push_back({base, size});
}

int Bus::route(uint64_t a) const {
    for (size_t i = 0; i < windows_.size(); ++i)
        if (a >= windows_[i].base && a - windows_[i].base < windows_[i].size) return static_cast<int>(i);
    return -1;
}

void Bus::b_transport(int, tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    const uint64_t a = p.get_address();
    const int t = route(a);
    if (t < 0 || a - windows_[static_cast<size_t>(t)].base + p.get_data_length() > windows_[static_cast<size_t>(t)].size) {
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    p.set_address(a - windows_[static_cast<size_t>(t)].base);
    initiators[t]->b_transport(p, delay);
    p.set_address(a);
}

unsigned Bus::transport_dbg(int, tlm::tlm_generic_payload& p) {
    const uint64_t a = p.get_address();
    const int t = route(a);
    if (t < 0) return 0;
    p.set_address(a - windows_[static_cast<size_t>(t)].base);
    const unsigned n = initiators[t]->transport_dbg(p);
    p.set_address(a);
    return n;
}

}  // namespace tesa
