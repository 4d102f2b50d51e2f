// cosim_library.h -- the co-simulated timed multiplier of any operating point, built on demand and
// cached: the same netlist and delays a table was made from, at its clock, voltage, die and
// semantics.
//   delay-line  the 64-lane time-unrolled model (timing/unrolled_model.h), Verilated and compiled
//               with sc_models/cosim_wrapper.cpp into a shared library in `dir`, loaded with
//               dlopen: the model the built-in back-end compiles in (cosim_models.cpp), at any point.
//   sdf-sim, transport
//               the semantics' lane program (timing/timed_lane_model.h) compiled by the system C++
//               compiler (timing/lane_compiler.h), the exact program the characterization runs
//               and, in the same cache directory, the very library it compiled. Verilating this
//               program (440k ops at clock scale 0.9) is not practical: measured in
//               docs/operating_points.md.
// A build is keyed by a stamp of its source and flags: the second request is a lookup; processes
// building one directory at once take turns (a lock file), so the second finds the first's build.
#pragma once

#include "sc_models/multiplier_backend.h"
#include "timing/lane_program.h"
#include "timing/semantics.h"
#include "timing/timed_netlist.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace tesa {

class CompiledLaneProgram;

struct CosimBuildOptions {
    std::filesystem::path dir;       // delay-line: model.v, obj/, libcosim.so, stamp, build.log
    std::filesystem::path lane_dir;  // sdf-sim: the lane compiler's cache (share the characterization's)
    std::filesystem::path wrapper;   // sc_models/cosim_wrapper.cpp
    int jobs = 2;
    std::string cflags = "-O1";
    bool compile_lanes = true;       // sdf-sim: false runs the program interpreted (same bits, slower)
    std::function<void(const std::string&)> progress;
};

// A shared library built from sc_models/cosim_wrapper.cpp and a Verilated "model".
class VerilatedCosimLibrary;

class CosimModels {
public:
    // `timed` must be built with the semantics' COND mode; 8-bit operands only. Throws Error for
    // transport (no lane model) and naming the log when a build fails.
    static CosimModels build(const TimedNetlist& timed, const GateNetlist& netlist, Semantics semantics,
                             const CosimBuildOptions& options);
    // A new model instance (one per thread; the shared library stays loaded while it lives).
    std::unique_ptr<CosimModel> make() const;
    const std::string& description() const { return description_; }

private:
    std::shared_ptr<const VerilatedCosimLibrary> verilated_;
    std::shared_ptr<const CompiledLaneProgram> lanes_;
    std::shared_ptr<const LaneCode> code_;  // sdf-sim interpreted
    int lane_inputs_ = 0;  // sdf-sim: the program's inputs (4N)
    std::string description_;
};

}  // namespace tesa
