// timing_setup.h -- the steps every timing command shares: make sure the multiplier is
// synthesized, time it with OpenSTA at a corner, and load netlist + SDF for simulation.
#pragma once

#include "rtl/gate_netlist.h"
#include "rtl/liberty_library.h"
#include "timing/sdf_file.h"
#include "timing/sta_runner.h"

#include <filesystem>
#include <memory>
#include <string>

namespace tesa {

struct TimingSetupOptions {
    std::filesystem::path netlist;       // empty: <out>/synth/<top>_w<N>_<synth corner>/netlist.v (synthesized if missing)
    std::filesystem::path synth_liberty; // Liberty the netlist is synthesized with
    std::filesystem::path rtl, script;   // for synthesis when needed
    std::string top = "booth_mul";
    int width = 8;
    std::filesystem::path liberty;       // corner to time
    std::string corner_name = "typ";     // names the results directory
    std::filesystem::path out;           // results root
    int path_count = 10;
};

struct TimingSetup {
    StaResult sta;
    std::unique_ptr<LibertyLibrary> liberty;
    std::unique_ptr<GateNetlist> netlist;  // refers to *liberty
    std::unique_ptr<SdfFile> sdf;
};

TimingSetup prepare_timing(const TimingSetupOptions& options);

}  // namespace tesa
