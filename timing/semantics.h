// semantics.h -- the timing semantics an error table is made in: a name users choose and every
// table records, and what it means for the timed netlist and the event-driven reference.
//   sdf-sim:    an SDF-annotated gate-level simulation (Verilog specify paths: inertial pulse
//               rejection at the path delay, IEEE 1364 delay selection, COND entries evaluated);
//               DelayMode::SdfSim over CondMode::Exact. The default.
//   transport:  transport delays, one delay per arc and edge (max over COND), each instant's input
//               changes evaluated together; DelayMode::Transport over CondMode::Max.
//   delay-line: per-pin transport delay lines by input edge, zero-delay gates (max over COND);
//               DelayMode::DelayLine over CondMode::Max: the time-unrolled models' semantics and
//               the one tesa's tables had before semantics were recorded.
#pragma once

#include "timing/event_simulator.h"
#include "timing/timed_netlist.h"

#include <string>

namespace tesa {

enum class Semantics { SdfSim, Transport, DelayLine };

const char* semantics_name(Semantics s);
// Throws Error naming `what` (e.g. "--semantics") for an unknown name.
Semantics parse_semantics(const std::string& name, const std::string& what);
DelayMode delay_mode_of(Semantics s);
CondMode cond_mode_of(Semantics s);

}  // namespace tesa
