// bus.h -- the system interconnect: an address decoder between TLM initiators (the host CPU, the
// accelerator's DMA engine) and targets (DRAM, the accelerator's registers). Each target owns an
// address window; the bus forwards a transaction with the address made window-relative and
// answers TLM_ADDRESS_ERROR_RESPONSE for addresses no window covers. Debug transport is routed
// the same way. Routing costs no time (the targets model theirs).
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <cstdint>
#include <vector>

namespace tesa {

class Bus : public sc_core::sc_module {
public:
    tlm_utils::multi_passthrough_target_socket<Bus> targets;        // initiators bind here
    tlm_utils::multi_passthrough_initiator_socket<Bus> initiators;  // bound to targets, in map() order

    explicit Bus(const sc_core::sc_module_name& name);

    // The next initiator binding (index = number of earlier map() calls) serves [base, base + size).
    void map(uint64_t base, uint64_t size);

private:
    struct Window {
        uint64_t base, size;
    };
    int route(uint64_t address) const;  // window index, or -1
    void b_transport(int id, tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
    unsigned transport_dbg(int id, tlm::tlm_generic_payload& p);

    std::vector<Window> windows_;
};

}  // namespace tesa
