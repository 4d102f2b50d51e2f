// systolic_array.cpp -- the clocked process, the host-side run of one GEMM and the VCD probes.
#include "sc_models/systolic_array.h"

#include "common/error.h"

#include <cstdio>
#include <filesystem>
#include <unistd.h>

namespace tesa {

SystolicArray::SystolicArray(const sc_core::sc_module_name& name, int rows, int cols, MultiplierBackend backend)
    : sc_core::sc_module(name), clk("clk"), core_(rows, cols, std::move(backend)) {
    SC_HAS_PROCESS(SystolicArray);
    SC_METHOD(on_clock);
    sensitive << clk.pos();
    dont_initialize();
}

void SystolicArray::start(const GemmJob& job) { core_.begin(job); }

void SystolicArray::on_clock() {
    if (!core_.running()) return;
    core_.step();
    if (vcd_) sample_probes();
    if (core_.running()) return;
    done_.notify(sc_core::SC_ZERO_TIME);
    if (pause_when_done_) sc_core::sc_pause();
}

GemmStats SystolicArray::run_gemm(const GemmJob& job) {
    start(job);
    pause_when_done_ = true;
    sc_core::sc_start();
    pause_when_done_ = false;
    return core_.stats();
}

void SystolicArray::trace_vcd(const std::string& file, const std::vector<std::pair<int, int>>& pes, uint64_t first, uint64_t last) {
    if (vcd_) fail("the array already writes a VCD");
    probes_.clear();
    for (const auto& [r, c] : pes) {
        if (r < 0 || c < 0 || r >= core_.rows() || c >= core_.cols())
            fail("VCD PE (" + std::to_string(r) + ", " + std::to_string(c) + ") is outside the " + std::to_string(core_.rows()) + "x" +
                 std::to_string(core_.cols()) + " array");
        Probe p;
        p.row = r;
        p.col = c;
        probes_.push_back(p);
    }
    if (std::filesystem::is_directory(file)) fail(file + ": is a directory; cannot write a VCD file there");
    vcd_file_ = file;
    vcd_tmp_ = file + ".tmp-" + std::to_string(::getpid());
    const std::filesystem::path parent = std::filesystem::path(file).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) fail(file + ": cannot create its directory: " + ec.message());
    vcd_ = sc_core::sc_create_vcd_trace_file(vcd_tmp_.c_str());  // appends ".vcd"
    if (!vcd_) fail(file + ": cannot create the VCD file");
    // The kernel reports the unit change as an Info message on stdout, amid the tool's output.
    sc_core::sc_report_handler::set_actions("tracing timescale unit set", sc_core::SC_DO_NOTHING);
    vcd_->set_time_unit(1, sc_core::SC_PS);
    vcd_first_ = first;
    vcd_last_ = last;
    for (Probe& p : probes_) {
        const std::string pe = "pe_" + std::to_string(p.row) + "_" + std::to_string(p.col) + ".";
        sc_core::sc_trace(vcd_, p.act, pe + "act");
        sc_core::sc_trace(vcd_, p.act_valid, pe + "act_valid");
        sc_core::sc_trace(vcd_, p.weight, pe + "weight");
        sc_core::sc_trace(vcd_, p.weight_valid, pe + "weight_valid");
        sc_core::sc_trace(vcd_, p.psum, pe + "psum");
        sc_core::sc_trace(vcd_, p.busy, pe + "busy");
        sc_core::sc_trace(vcd_, p.slow, pe + "slow");
        sc_core::sc_trace(vcd_, p.wrong, pe + "wrong");
        sc_core::sc_trace(vcd_, p.product, pe + "product");
    }
    TraceWindow w;
    w.first_cycle = first;
    w.last_cycle = last;
    w.pes.assign(static_cast<size_t>(core_.rows()) * static_cast<size_t>(core_.cols()), false);
    for (const Probe& p : probes_) w.pes[static_cast<size_t>(p.row) * static_cast<size_t>(core_.cols()) + static_cast<size_t>(p.col)] = true;
    core_.record(std::move(w));
}

void SystolicArray::sample_probes() {
    const uint64_t cycle = core_.stats().cycles - 1;  // the cycle step() just simulated
    if (cycle < vcd_first_ || cycle > vcd_last_) return;
    const std::vector<PeCycleRecord>& rec = core_.records();
    for (Probe& p : probes_) {
        const Pe pe = core_.pe(p.row, p.col);
        p.act = pe.act;
        p.act_valid = pe.act_valid;
        p.weight = pe.weight;
        p.weight_valid = pe.weight_valid;
        p.psum = pe.psum;
        p.busy = pe.busy();
        p.slow = p.wrong = false;
        p.product = 0;
        for (auto it = rec.rbegin(); it != rec.rend() && it->cycle == cycle; ++it)
            if (it->row == p.row && it->col == p.col) {
                p.slow = it->slow;
                p.wrong = it->product != it->exact;
                p.product = it->product;
            }
    }
}

void SystolicArray::close_vcd() {
    if (!vcd_) return;
    std::error_code ec;
    if (sc_core::sc_get_status() == sc_core::SC_ELABORATION) {
        // Never simulated (an error came first): SystemC cannot close a trace file it has not
        // initialised (it divides by its unset time unit), so the object is left; no VCD.
        vcd_ = nullptr;
        std::filesystem::remove(vcd_tmp_ + ".vcd", ec);
        return;
    }
    sc_core::sc_close_vcd_trace_file(vcd_);
    vcd_ = nullptr;
    std::filesystem::rename(vcd_tmp_ + ".vcd", vcd_file_, ec);
    if (ec) fail(vcd_file_ + ": cannot move the VCD into place: " + ec.message());
}

SystolicArray::~SystolicArray() {
    try {
        close_vcd();
    } catch (const Error&) {
        // a destructor cannot report; close_vcd() called by the owner reports instead
    }
}

}  // namespace tesa
