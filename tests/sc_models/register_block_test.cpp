// The register block as a host sees it over TLM-2.0: identification, firmware address, a start
// that the device side sees, status and counters, the interrupt line and its clearing; bad
// addresses, sizes and read-only writes get TLM error responses.
#include "sc_models/register_block.h"

#include "sc_models/simulation_context.h"

#include <gtest/gtest.h>
#include <tlm_utils/simple_initiator_socket.h>

#include <functional>
#include <vector>

using namespace tesa;

namespace {

struct Access {
    tlm::tlm_response_status status;
    uint32_t value;
};

// A host: one thread running `script` with read / write helpers over its initiator socket.
struct Host : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Host> socket;
    std::function<void(Host&)> script;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    explicit Host(const sc_core::sc_module_name& n) : sc_core::sc_module(n), socket("socket") {
        SC_HAS_PROCESS(Host);
        SC_THREAD(run);
    }
    void run() { script(*this); }
    Access access(tlm::tlm_command cmd, uint64_t addr, uint32_t value, unsigned length = 4) {
        tlm::tlm_generic_payload p;
        uint8_t data[8] = {};
        std::memcpy(data, &value, 4);
        p.set_command(cmd);
        p.set_address(addr);
        p.set_data_ptr(data);
        p.set_data_length(length);
        p.set_streaming_width(length);
        p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        socket->b_transport(p, delay);
        uint32_t v;
        std::memcpy(&v, data, 4);
        return {p.get_response_status(), v};
    }
    uint32_t read(uint64_t a) { return access(tlm::TLM_READ_COMMAND, a, 0).value; }
    tlm::tlm_response_status write(uint64_t a, uint32_t v) { return access(tlm::TLM_WRITE_COMMAND, a, v).status; }
};

TEST(RegisterBlock, HostStartsTheDeviceAndSeesStatusCountersAndInterrupt) {
    fresh_simulation_context();
    const sc_core::sc_time latency(2, sc_core::SC_NS);
    RegisterBlock regs("regs", latency);
    Host host("host");
    sc_core::sc_signal<bool> irq("irq");
    host.socket.bind(regs.socket);
    regs.irq(irq);
    bool device_started = false, host_done = false;

    // The device side: wait for START, work 100 ns, raise the interrupt.
    struct Device : sc_core::sc_module {
        RegisterBlock* regs;
        bool* started;
        Device(const sc_core::sc_module_name& n, RegisterBlock* r, bool* s) : sc_core::sc_module(n), regs(r), started(s) {
            SC_HAS_PROCESS(Device);
            SC_THREAD(run);
        }
        void run() {
            wait(regs->start_event());
            *started = true;
            EXPECT_EQ(regs->firmware_base(), 0x1234500000000ull | 0x80);
            EXPECT_EQ(regs->firmware_size(), 280u);
            regs->set_busy();
            wait(100, sc_core::SC_NS);
            regs->set_counters(5000000000ull, 42, 3);
            regs->finish(0);
            regs->raise_interrupt(7);
        }
    } device("device", &regs, &device_started);

    host.script = [&](Host& h) {
        EXPECT_EQ(h.read(RegisterBlock::kId), RegisterBlock::kIdValue);
        EXPECT_EQ(h.read(RegisterBlock::kVersion), 1u);
        EXPECT_EQ(h.delay, 2 * latency) << "each access adds the block's latency to the caller's delay";
        EXPECT_EQ(h.write(RegisterBlock::kFwBaseLo, 0x80), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(h.write(RegisterBlock::kFwBaseHi, 0x12345), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(h.write(RegisterBlock::kFwSize, 280), tlm::TLM_OK_RESPONSE);
        EXPECT_EQ(h.read(RegisterBlock::kFwBaseHi), 0x12345u);
        EXPECT_EQ(h.write(RegisterBlock::kCtrl, RegisterBlock::kCtrlStart | RegisterBlock::kCtrlIrqEnable), tlm::TLM_OK_RESPONSE);
        wait(h.delay);
        h.delay = sc_core::SC_ZERO_TIME;
        wait(10, sc_core::SC_NS);
        EXPECT_TRUE(device_started);
        EXPECT_EQ(h.read(RegisterBlock::kStatus), RegisterBlock::kStatusBusy);
        EXPECT_EQ(h.read(RegisterBlock::kCtrl), RegisterBlock::kCtrlIrqEnable) << "START clears itself";
        wait(irq.posedge_event());
        EXPECT_EQ(h.read(RegisterBlock::kStatus), RegisterBlock::kStatusDone);
        EXPECT_EQ(h.read(RegisterBlock::kIrq), 1u);
        EXPECT_EQ(h.read(RegisterBlock::kIrqCode), 7u);
        EXPECT_EQ(h.read(RegisterBlock::kCyclesLo), static_cast<uint32_t>(5000000000ull));
        EXPECT_EQ(h.read(RegisterBlock::kCyclesLo + 4), 1u);
        EXPECT_EQ(h.read(RegisterBlock::kMacsLo), 42u);
        EXPECT_EQ(h.read(RegisterBlock::kWrongLo), 3u);
        EXPECT_EQ(h.write(RegisterBlock::kIrq, 1), tlm::TLM_OK_RESPONSE);
        wait(sc_core::SC_ZERO_TIME);
        wait(sc_core::SC_ZERO_TIME);
        EXPECT_FALSE(irq.read()) << "writing 1 to IRQ clears it";
        EXPECT_EQ(h.read(RegisterBlock::kIrq), 0u);
        host_done = true;
    };
    sc_core::sc_start(1, sc_core::SC_US);
    EXPECT_TRUE(host_done);
}

TEST(RegisterBlock, BadAccessesGetErrorResponses) {
    fresh_simulation_context();
    RegisterBlock regs("regs", sc_core::SC_ZERO_TIME);
    Host host("host");
    sc_core::sc_signal<bool> irq("irq");
    host.socket.bind(regs.socket);
    regs.irq(irq);
    std::vector<tlm::tlm_response_status> got;
    host.script = [&](Host& h) {
        got.push_back(h.access(tlm::TLM_READ_COMMAND, RegisterBlock::kSize, 0).status);        // past the block
        got.push_back(h.access(tlm::TLM_READ_COMMAND, 0x02, 0).status);                        // misaligned
        got.push_back(h.access(tlm::TLM_READ_COMMAND, RegisterBlock::kId, 0, 2).status);       // 16-bit
        got.push_back(h.access(tlm::TLM_READ_COMMAND, RegisterBlock::kId, 0, 8).status);       // 64-bit burst
        got.push_back(h.write(RegisterBlock::kId, 1));                                          // read-only
        got.push_back(h.write(RegisterBlock::kStatus, 0));                                      // read-only
        got.push_back(h.write(RegisterBlock::kCtrl, 0x80));                                     // reserved bit
        got.push_back(h.access(tlm::TLM_IGNORE_COMMAND, RegisterBlock::kCtrl, 0).status);
    };
    sc_core::sc_start(1, sc_core::SC_US);
    const std::vector<tlm::tlm_response_status> expect = {
        tlm::TLM_ADDRESS_ERROR_RESPONSE, tlm::TLM_ADDRESS_ERROR_RESPONSE, tlm::TLM_BURST_ERROR_RESPONSE, tlm::TLM_BURST_ERROR_RESPONSE,
        tlm::TLM_COMMAND_ERROR_RESPONSE, tlm::TLM_COMMAND_ERROR_RESPONSE, tlm::TLM_GENERIC_ERROR_RESPONSE, tlm::TLM_COMMAND_ERROR_RESPONSE};
    EXPECT_EQ(got, expect);
    EXPECT_FALSE(irq.read());
}

}  // namespace
