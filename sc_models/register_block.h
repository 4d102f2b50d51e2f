// register_block.h -- the accelerator's memory-mapped registers, a TLM-2.0 target (b_transport).
// Accesses are 32-bit and aligned; anything else, an address outside the block or a write to a
// read-only register is answered with a TLM error response (never an exception or a crash).
// The access latency is added to the caller's delay, as a loosely-timed target does.
//
// Map (byte offsets): 0x00 ID "TESA" (RO), 0x04 VERSION (RO), 0x08 CTRL (bit 0 START, self-
// clearing; bit 1 IRQ_ENABLE), 0x0C STATUS (RO: bit 0 BUSY, bit 1 DONE, bit 2 ERROR), 0x10 IRQ
// (bit 0 pending, write 1 to clear), 0x14/0x18 FW_BASE low/high, 0x1C FW_SIZE (bytes),
// 0x20 ERROR_CODE (RO), 0x24 IRQ_CODE (RO), 0x28.. 0x3C counters (RO, 64-bit low/high): cycles,
// MACs, wrong products.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <cstdint>

namespace tesa {

class RegisterBlock : public sc_core::sc_module {
public:
    enum Offset : uint32_t {
        kId = 0x00, kVersion = 0x04, kCtrl = 0x08, kStatus = 0x0C, kIrq = 0x10, kFwBaseLo = 0x14, kFwBaseHi = 0x18,
        kFwSize = 0x1C, kErrorCode = 0x20, kIrqCode = 0x24, kCyclesLo = 0x28, kMacsLo = 0x30, kWrongLo = 0x38, kSize = 0x40
    };
    static constexpr uint32_t kIdValue = 0x41534554;  // "TESA" little-endian
    static constexpr uint32_t kCtrlStart = 1, kCtrlIrqEnable = 2;
    static constexpr uint32_t kStatusBusy = 1, kStatusDone = 2, kStatusError = 4;

    tlm_utils::simple_target_socket<RegisterBlock> socket;
    sc_core::sc_out<bool> irq;  // high while an interrupt is pending and enabled

    RegisterBlock(const sc_core::sc_module_name& name, sc_core::sc_time access_latency);

    // The device side (the controller).
    const sc_core::sc_event& start_event() const { return start_; }  // the host wrote START
    uint64_t firmware_base() const { return fw_base_; }
    uint32_t firmware_size() const { return fw_size_; }
    void set_busy();
    void finish(uint32_t error_code);            // 0: done; else error (STATUS.ERROR, ERROR_CODE)
    void raise_interrupt(uint32_t code);
    void set_counters(uint64_t cycles, uint64_t macs, uint64_t wrong);
    uint32_t status() const { return status_; }

private:
    void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
    void update_irq();

    sc_core::sc_time latency_;
    sc_core::sc_event start_, irq_changed_;
    void drive_irq();
    uint32_t ctrl_ = 0, status_ = 0, irq_pending_ = 0, error_code_ = 0, irq_code_ = 0, fw_size_ = 0;
    uint64_t fw_base_ = 0, cycles_ = 0, macs_ = 0, wrong_ = 0;
};

}  // namespace tesa
