// icarus_check.h -- validation of tesa's event-driven reference against Icarus Verilog, a
// simulator nobody here wrote.
//
// Two Icarus set-ups simulate the same random (previous, current) transitions as tesa:
//   specify:   the mapped netlist with cell models generated from the Liberty functions, each
//              with a specify block, annotated with OpenSTA's SDF by $sdf_annotate (-gspecify
//              -Tmax). Icarus 11 skips conditional (COND) IOPATH entries -- an arc OpenSTA gives
//              only conditional delays keeps zero delay -- and INTERCONNECT, and its module-path
//              delays are not transport delays.
//   conditional: the sdf-sim check. One module per instance whose specify block holds that
//              instance's delays as tesa reads them (CondMode::Exact: every COND entry a
//              state-dependent path `if (cond) (A => Z) = (rise, fall)`, which Icarus honours;
//              unconditional entries beside conditional ones as `ifnone`), no SDF: Icarus'
//              own module-path scheduling (pulse rejection, delay selection) against tesa's.
//   transport: every cell arc written out by tesa as a non-blocking intra-assignment delay
//              (`out <= #(rise or fall) f(...)` on each input change), with tesa's per-arc delays
//              (max over COND). Non-blocking assignments never cancel one another, unlike tesa's
//              transport rule, which drops transitions overtaken by a later, faster one.
// Both test benches launch every operand bit at its CK->Q delay and capture each product bit with
// the same edge-dependent setup rule as tesa.
#pragma once

#include "timing/error_rate.h"
#include "timing/timed_netlist.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tesa {

enum class IcarusModel { Specify, Conditional, Transport };

struct IcarusCheckOptions {
    IcarusModel model = IcarusModel::Specify;
    long samples = 20000;
    uint64_t seed = 1;
    std::filesystem::path sdf;      // OpenSTA's SDF of the PE (specify model)
    std::filesystem::path work_dir; // generated Verilog, transitions, Icarus output
};

struct IcarusCheckResult {
    std::vector<Transition> transitions;
    std::vector<uint32_t> captured;  // Icarus' captured product per transition
};

// `netlist` supplies the structure and the Liberty functions, `timed` the delays (transport and
// conditional models; conditional needs CondMode::Exact)
// and the launch/capture times (both models).
IcarusCheckResult run_icarus_check(const GateNetlist& netlist, const TimedNetlist& timed,
                                   const IcarusCheckOptions& options);

}  // namespace tesa
