// register_block.cpp -- decoding of register accesses and the interrupt line.
#include "sc_models/register_block.h"

#include <cstring>

namespace tesa {

RegisterBlock::RegisterBlock(const sc_core::sc_module_name& name, sc_core::sc_time access_latency)
    : sc_core::sc_module(name), socket("socket"), irq("irq"), latency_(access_latency) {
    socket.register_b_transport(this, &RegisterBlock::b_transport);
    SC_HAS_PROCESS(RegisterBlock);
    SC_METHOD(drive_irq);
    sensitive << irq_changed_;
}

void RegisterBlock::drive_irq() { irq.write(irq_pending_ && (ctrl_ & kCtrlIrqEnable)); }
void RegisterBlock::update_irq() { irq_changed_.notify(sc_core::SC_ZERO_TIME); }

void RegisterBlock::set_busy() {
    status_ = kStatusBusy;
    error_code_ = 0;
}

void RegisterBlock::finish(uint32_t error_code) {
    error_code_ = error_code;
    status_ = kStatusDone | (error_code ? kStatusError : 0);
}

void RegisterBlock::raise_interrupt(uint32_t code) {
    irq_code_ = code;
    irq_pending_ = 1;
    update_irq();
}

void RegisterBlock::set_counters(uint64_t cycles, uint64_t macs, uint64_t wrong) {
    cycles_ = cycles;
    macs_ = macs;
    wrong_ = wrong;
}

void RegisterBlock::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    delay += latency_;
    const uint64_t addr = p.get_address();
    if (p.get_data_length() != 4 || p.get_streaming_width() != 4 || p.get_byte_enable_ptr()) {
        p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);  // 32-bit single accesses only
        return;
    }
    if (addr >= kSize || addr % 4) {
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    const uint32_t off = static_cast<uint32_t>(addr);
    if (p.is_read()) {
        uint32_t v = 0;
        switch (off) {
            case kId: v = kIdValue; break;
            case kVersion: v = 1; break;
            case kCtrl: v = ctrl_; break;
            case kStatus: v = status_; break;
            case kIrq: v = irq_pending_; break;
            case kFwBaseLo: v = static_cast<uint32_t>(fw_base_); break;
            case kFwBaseHi: v = static_cast<uint32_t>(fw_base_ >> 32); break;
            case kFwSize: v = fw_size_; break;
            case kErrorCode: v = error_code_; break;
            case kIrqCode: v = irq_code_; break;
            case kCyclesLo: v = static_cast<uint32_t>(cycles_); break;
            case kCyclesLo + 4: v = static_cast<uint32_t>(cycles_ >> 32); break;
            case kMacsLo: v = static_cast<uint32_t>(macs_); break;
            case kMacsLo + 4: v = static_cast<uint32_t>(macs_ >> 32); break;
            case kWrongLo: v = static_cast<uint32_t>(wrong_); break;
            case kWrongLo + 4: v = static_cast<uint32_t>(wrong_ >> 32); break;
        }
        std::memcpy(p.get_data_ptr(), &v, 4);
        p.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    if (!p.is_write()) {
        p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
    }
    uint32_t v;
    std::memcpy(&v, p.get_data_ptr(), 4);
    switch (off) {
        case kCtrl:
            if (v & ~(kCtrlStart | kCtrlIrqEnable)) {
                p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);  // reserved bits
                return;
            }
            ctrl_ = v & kCtrlIrqEnable;
            update_irq();
            if ((v & kCtrlStart) && !(status_ & kStatusBusy)) start_.notify(delay);
            break;
        case kIrq:
            if (v & 1) irq_pending_ = 0;
            update_irq();
            break;
        case kFwBaseLo: fw_base_ = (fw_base_ & ~0xffffffffull) | v; break;
        case kFwBaseHi: fw_base_ = (fw_base_ & 0xffffffffull) | static_cast<uint64_t>(v) << 32; break;
        case kFwSize: fw_size_ = v; break;
        default:  // ID, VERSION, STATUS, codes, counters
            p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
            return;
    }
    p.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace tesa
