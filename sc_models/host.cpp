// host.cpp -- the host's bus accesses and its start/wait protocol.
#include "sc_models/host.h"

#include "common/error.h"
#include "sc_models/register_block.h"
#include "sc_models/tlm_payload.h"

#include <cstdio>

namespace tesa {

Host::Host(const sc_core::sc_module_name& name, uint64_t register_base)
    : sc_core::sc_module(name), socket("socket"), irq("irq"), register_base_(register_base) {
    SC_HAS_PROCESS(Host);
    SC_THREAD(run);
}

void Host::run() {
    if (script) script(*this);
}

void Host::transport(tlm::tlm_command cmd, uint64_t addr, void* data, uint32_t bytes) {
    tlm::tlm_generic_payload p;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    prepare_payload(p, cmd, addr, data, bytes);
    socket->b_transport(p, delay);
    wait(delay);
    if (!p.is_response_ok()) {
        char b[160];
        std::snprintf(b, sizeof b, "host: bus %s of %u bytes at 0x%llx failed (%s)", cmd == tlm::TLM_READ_COMMAND ? "read" : "write", bytes,
                      static_cast<unsigned long long>(addr), p.get_response_string().c_str());
        fail(b);
    }
}

void Host::write(uint64_t addr, const void* data, uint32_t bytes) {
    transport(tlm::TLM_WRITE_COMMAND, addr, const_cast<void*>(data), bytes);  // a write does not modify the data
}
void Host::read(uint64_t addr, void* data, uint32_t bytes) { transport(tlm::TLM_READ_COMMAND, addr, data, bytes); }
void Host::write_reg(uint32_t offset, uint32_t value) { write(register_base_ + offset, &value, 4); }
uint32_t Host::read_reg(uint32_t offset) {
    uint32_t v = 0;
    read(register_base_ + offset, &v, 4);
    return v;
}
uint64_t Host::read_reg64(uint32_t offset) { return read_reg(offset) | static_cast<uint64_t>(read_reg(offset + 4)) << 32; }

uint32_t Host::run_stream(uint64_t base, uint32_t size) {
    write_reg(RegisterBlock::kIrq, 1);
    write_reg(RegisterBlock::kFwBaseLo, static_cast<uint32_t>(base));
    write_reg(RegisterBlock::kFwBaseHi, static_cast<uint32_t>(base >> 32));
    write_reg(RegisterBlock::kFwSize, size);
    write_reg(RegisterBlock::kCtrl, RegisterBlock::kCtrlStart | RegisterBlock::kCtrlIrqEnable);
    wait(irq.posedge_event());
    return read_reg(RegisterBlock::kStatus);
}

}  // namespace tesa
