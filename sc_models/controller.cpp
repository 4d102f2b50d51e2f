// controller.cpp -- firmware fetch and check, and the execution of each command.
#include "sc_models/controller.h"

#include "common/error.h"
#include "common/rng.h"
#include "sc_models/post_processor.h"

#include <cmath>
#include <cstring>
#include <variant>

namespace tesa {

Controller::Controller(const sc_core::sc_module_name& name, RegisterBlock& regs, DmaEngine& dma, SystolicArray& array,
                       std::array<Scratchpad*, 4> buffers, ControllerConfig config)
    : sc_core::sc_module(name), regs_(regs), dma_(dma), array_(array), buffers_(buffers), config_(config) {
    SC_HAS_PROCESS(Controller);
    SC_THREAD(run);
}

void Controller::run() {
    for (;;) {
        wait(regs_.start_event());
        regs_.set_busy();
        stats_ = GemmStats();
        log_.clear();
        traffic_log_.clear();
        fetch_traffic_ = MemoryTraffic();
        last_error_.clear();
        const uint32_t err = execute_stream();
        regs_.set_counters(stats_.cycles, stats_.busy_pe_cycles, stats_.wrong_products);
        regs_.finish(err);
        if (err) regs_.raise_interrupt(0);  // an interrupt command of the stream did not run: code 0
    }
}

uint32_t Controller::execute_stream() {
    const uint32_t size = regs_.firmware_size();
    if (size < fw::kHeaderBytes || size > config_.max_firmware_bytes) {
        last_error_ = "firmware size " + std::to_string(size) + " out of range";
        return kFirmwareSize;
    }
    std::vector<uint8_t> bytes(size);
    if (dma_.read_dram(regs_.firmware_base(), bytes.data(), size) != kDmaOk) {
        last_error_ = "firmware fetch failed (bus error)";
        return kFirmwareFetch;
    }
    fetch_traffic_.dram_read = size;
    std::vector<fw::Command> cmds;
    try {
        cmds = fw::decode(bytes, "firmware");
    } catch (const Error& e) {
        last_error_ = e.what();
        return kFirmwareCorrupt;
    }
    traffic_log_.reserve(cmds.size());
    for (const fw::Command& c : cmds) {
        uint32_t err = 0;
        MemoryTraffic t;
        if (const auto* d = std::get_if<fw::DmaCmd>(&c)) {
            const MemoryTraffic before = dma_.traffic();
            err = dma_.execute(*d);
            t = dma_.traffic();
            t -= before;
        } else if (const auto* g = std::get_if<fw::GemmCmd>(&c)) {
            err = gemm(*g);
            if (!err) t = gemm_traffic(*g, array_.core().stats());
        } else if (const auto* p = std::get_if<fw::PostCmd>(&c)) {
            err = post_process(*p, *buffers_[2], *buffers_[3]);
            // The functional unit has no access-level structure: its operation's closed form.
            if (!err) t = command_traffic(c, 1, 1);
        } else if (const auto* i = std::get_if<fw::InterruptCmd>(&c)) regs_.raise_interrupt(i->code);
        else if (std::holds_alternative<fw::EndCmd>(c)) break;
        traffic_log_.push_back(t);
        if (err) {
            last_error_ = "command failed with code " + std::to_string(err);
            return err;
        }
    }
    return 0;
}

uint32_t Controller::gemm(const fw::GemmCmd& g) {
    const uint64_t pa = g.a_pitch ? g.a_pitch : g.k, pb = g.b_pitch ? g.b_pitch : g.n, pc = g.c_pitch ? g.c_pitch : g.n;
    Scratchpad &act = *buffers_[1], &wgt = *buffers_[0], &out = *buffers_[2];
    if (!act.fits(g.a_offset, (g.m - 1) * pa + g.k) || !wgt.fits(g.b_offset, (g.k - 1) * pb + g.n) ||
        !out.fits(g.c_offset, ((g.m - 1) * pc + g.n) * 4))
        return kGemmRange;
    a_.resize(static_cast<size_t>(g.m) * g.k);
    b_.resize(static_cast<size_t>(g.k) * g.n);
    c_.resize(static_cast<size_t>(g.m) * g.n);
    for (uint32_t m = 0; m < g.m; ++m) std::memcpy(a_.data() + static_cast<size_t>(m) * g.k, act.at(g.a_offset + m * pa), g.k);
    for (uint32_t k = 0; k < g.k; ++k) std::memcpy(b_.data() + static_cast<size_t>(k) * g.n, wgt.at(g.b_offset + k * pb), g.n);
    GemmJob job;
    job.shape = {static_cast<int>(g.m), static_cast<int>(g.n), static_cast<int>(g.k)};
    job.a = a_.data();
    job.b = b_.data();
    job.c = c_.data();
    job.dataflow = g.output_stationary ? Dataflow::OutputStationary : Dataflow::WeightStationary;
    job.weight_port = g.weight_on_b ? WeightPort::B : WeightPort::A;
    job.regulation = config_.regulation;
    uint64_t s = config_.seed ^ (static_cast<uint64_t>(g.tag) << 32);
    job.seed = splitmix64(s);
    if (config_.clocked_array) {
        array_.start(job);
        wait(array_.done_event());
    } else {
        // The clocked module starts on the next rising edge and signals done at that edge plus
        // `cycles` periods (its last step); the decoupled wait lands on the same instant.
        array_.core().run(job);
        const double period = config_.clock_ns, now = sc_core::sc_time_stamp().to_seconds() * 1e9;
        const double next_edge = (std::floor(now / period) + 1) * period;
        wait(sc_core::sc_time(next_edge - now + static_cast<double>(array_.core().stats().cycles - 1) * period, sc_core::SC_NS));
    }
    stats_ += array_.core().stats();
    log_.push_back({g.tag, array_.core().stats()});
    for (uint32_t m = 0; m < g.m; ++m)
        for (uint32_t n = 0; n < g.n; ++n) {
            uint8_t* dst = out.at(g.c_offset + 4 * (m * pc + n));
            int32_t v = c_[static_cast<size_t>(m) * g.n + n];
            if (g.accumulate) {
                int32_t old;
                std::memcpy(&old, dst, 4);
                v += old;
            }
            std::memcpy(dst, &v, 4);
        }
    return 0;
}

}  // namespace tesa
