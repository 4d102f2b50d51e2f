// controller.h -- the accelerator's sequencer. On START (register block) it fetches the firmware
// stream from DRAM through the DMA engine, checks it whole (firmware/command_stream.h), then runs
// the commands in order: DMA transfers, GEMM tiles on the systolic array (operands gathered from
// the scratchpads by their row pitches, the result written back or accumulated), post-processing,
// interrupts. Any failure -- corrupt stream, out-of-range offset, bus error -- stops the stream,
// sets STATUS.ERROR and ERROR_CODE and raises the interrupt: a clean stop, never a crash or hang.
// Commands run one after another, so SYNC is always already satisfied in this version.
#pragma once

#include "sc_models/dma_engine.h"
#include "sc_models/register_block.h"
#include "sc_models/systolic_array.h"

#include <array>
#include <string>
#include <vector>

namespace tesa {

enum ControllerError : uint32_t { kFirmwareFetch = 0x001, kFirmwareCorrupt = 0x002, kFirmwareSize = 0x003, kGemmRange = 0x201 };

struct ControllerConfig {
    uint32_t max_firmware_bytes = 4u << 20;
    double regulation = 0;  // slow-cycle probability of every GEMM
    uint64_t seed = 1;      // a GEMM tagged t draws its slow cycles from splitmix64(seed ^ t << 32)
    // true: the array module steps on every edge of its sc_clock. false (temporal decoupling, as a
    // TLM quantum keeper does): the controller runs the same cycle-by-cycle core in one activation
    // and waits cycles x clock period -- identical results, cycles and simulated time, without
    // a kernel event per clock edge while the accelerator waits for DRAM.
    bool clocked_array = true;
    double clock_ns = 1.0;  // the array clock period, for the decoupled mode
};

// The statistics of one executed GEMM command, with its tag.
struct GemmRecord {
    uint32_t tag = 0;
    GemmStats stats;
};

class Controller : public sc_core::sc_module {
public:
    Controller(const sc_core::sc_module_name& name, RegisterBlock& regs, DmaEngine& dma, SystolicArray& array,
               std::array<Scratchpad*, 4> buffers, ControllerConfig config);

    const std::string& last_error() const { return last_error_; }  // a readable reason, for logs
    const GemmStats& gemm_stats() const { return stats_; }        // of the last stream
    const std::vector<GemmRecord>& gemm_log() const { return log_; }  // each GEMM of the last stream
    // The memory traffic of each executed command of the last stream (by index in the stream), and
    // of the stream's fetch (memory_traffic.h).
    const std::vector<MemoryTraffic>& traffic_log() const { return traffic_log_; }
    const MemoryTraffic& fetch_traffic() const { return fetch_traffic_; }
    // The error model's seed for the next streams (a simulation knob, like the regulation: the
    // host model varies it per image so each image draws its own slow cycles).
    void set_seed(uint64_t seed) { config_.seed = seed; }

private:
    void run();
    uint32_t execute_stream();
    uint32_t gemm(const fw::GemmCmd& g);

    RegisterBlock& regs_;
    DmaEngine& dma_;
    SystolicArray& array_;
    std::array<Scratchpad*, 4> buffers_;
    ControllerConfig config_;
    std::string last_error_;
    GemmStats stats_;
    std::vector<GemmRecord> log_;
    std::vector<MemoryTraffic> traffic_log_;
    MemoryTraffic fetch_traffic_;
    std::vector<int8_t> a_, b_;
    std::vector<int32_t> c_;
};

}  // namespace tesa
