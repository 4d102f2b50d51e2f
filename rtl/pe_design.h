// pe_design.h -- the systolic array's PE as hardware (rtl/mac_pe.v): which top and parameters
// make it for a dataflow and weight port, its synthesis onto a Liberty library, and the area of
// one PE and of an R x C array of them (PEs only: no controller, scratchpad or wiring).
#pragma once

#include "rtl/synthesizer.h"

#include <filesystem>
#include <string>

namespace tesa {

struct PeDesign {
    bool output_stationary = false;  // mac_pe_os; false: mac_pe_ws
    bool weight_on_b = false;        // the weight drives the Booth encoders (weight port B)
    int width = 8;                   // operand width N
    int acc_bits = 32;               // partial-sum register
};

std::string pe_top(const PeDesign& d);       // mac_pe_ws | mac_pe_os
std::string pe_dir_name(const PeDesign& d);  // mac_pe_ws_w8_a: one synthesis per design

// Synthesis options for `d` from the sources under `source_dir` (rtl/mac_pe.v, rtl/booth_mul.v,
// rtl/synth.tcl), results in out_dir.
SynthOptions pe_synth_options(const PeDesign& d, const std::filesystem::path& source_dir, const std::filesystem::path& liberty,
                              const std::filesystem::path& out_dir);

// The PE synthesized onto `liberty` under out_root/synth/<pe_dir_name>_<corner_name>/ (made when
// missing, one process at a time per out_root), re-read: cells and area.
SynthResult synthesize_pe_cached(const PeDesign& d, const std::filesystem::path& source_dir, const std::filesystem::path& liberty,
                                 const std::string& corner_name, const std::filesystem::path& out_root);

// The area lines of a report: one PE and rows x cols of them, in um^2 and mm^2.
std::string format_array_area(double pe_area_um2, int rows, int cols);

}  // namespace tesa
