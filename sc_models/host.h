// host.h -- the host CPU as a TLM-2.0 initiator on the system bus: it loads data and firmware into
// DRAM, programs the accelerator's registers, starts a stream and sleeps until the interrupt. Its
// work is a script (a function run in the host's SC_THREAD), so tests and the network runner drive
// the same model. Bus errors throw tesa::Error naming the address.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <functional>

namespace tesa {

class Host : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<Host> socket;
    sc_core::sc_in<bool> irq;
    std::function<void(Host&)> script;  // runs once at the start of simulation

    Host(const sc_core::sc_module_name& name, uint64_t register_base);

    // Timed bus accesses (call from the script).
    void write(uint64_t addr, const void* data, uint32_t bytes);
    void read(uint64_t addr, void* data, uint32_t bytes);
    void write_reg(uint32_t offset, uint32_t value);
    uint32_t read_reg(uint32_t offset);
    uint64_t read_reg64(uint32_t offset);  // a counter: low word at offset, high at offset + 4
    // Programs the firmware address and size, clears the interrupt, starts and waits for the
    // interrupt; returns STATUS.
    uint32_t run_stream(uint64_t base, uint32_t size);

private:
    void run();
    void transport(tlm::tlm_command cmd, uint64_t addr, void* data, uint32_t bytes);
    uint64_t register_base_;
};

}  // namespace tesa
