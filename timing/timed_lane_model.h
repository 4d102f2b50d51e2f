// timed_lane_model.h -- the sdf-sim and transport semantics (DelayMode::SdfSim / Transport,
// event_simulator.h) unrolled in discrete time into a lane program (timing/lane_program.h): one
// clock cycle of the timed multiplier as one Boolean function of (a_prev, b_prev, a, b), bit for
// bit equal to the event-driven reference over the same timed netlist (delays on a time step).
//
// Time is counted in ticks of the step; every value is the one after the instant's first phase
// (all transitions due then applied). Per gate, with F(t) = f(inputs at t) its functional output
// and C(t) = F(t) != F(t-1) its changes:
//   out(t) = M(t) ? F(t-1) : out(t-1),
//   M(t)   = OR over delta of  C(t-delta) & [d(t-delta) <= delta] & no change of F in (t-delta, t),
// i.e. the last change of F has matured by t. d(s) is the path delay the reference selects at s:
// the smallest enabled-path delay of the inputs that changed at s for the edge F(s) (COND
// conditions evaluated on the inputs at s; the unconditional entry when no condition holds; the
// reference's fallback when no changed input has an enabled path). [d(s) <= delta] is a Boolean
// function of the changed inputs and the input values at s, compiled from truth tables. A net
// holds its old steady value before its switching window and its new one from the window's end;
// only (net, tick) values a capture register can see are built. Capture as in the delay-line
// model: product bit j is the OR (AND) of its values between its fall and rise limit ticks.
// Transport (any CondMode): every instant s at which an input changed schedules F(s) at s + d(s),
// d(s) the smallest delay of the changed inputs' arcs for the edge F(s) (the entry the reference's
// arc_delay picks), and the transport rule keeps, at each t, the latest-scheduled transition due:
//   out(t) = F(s*) for s* the latest s in [t - dmax, t - dmin] with [d(s) <= t - s], else out(t-1)
// (a priority chain of muxes, latest s first; no change of F is needed for s to count).
// Requires every gate delay to be at least one tick.
#pragma once

#include "timing/lane_program.h"
#include "timing/semantics.h"
#include "timing/timed_netlist.h"

namespace tesa {

struct LaneModelStats {
    long gate_instants = 0;  // (gate output, tick) values built
    long function_instants = 0;
    int ticks = 0;           // capture window end, in ticks
};

// Throws Error unless the netlist reads COND exactly and has an integral time step >= 1 ps.
LaneProgram build_sdf_sim_program(const TimedNetlist& timed, LaneModelStats* stats = nullptr);
// Throws Error unless the netlist has an integral time step >= 1 ps.
LaneProgram build_transport_program(const TimedNetlist& timed, LaneModelStats* stats = nullptr);
// The program of `semantics` (sdf-sim or transport; delay-line has its own unrolled model).
LaneProgram build_lane_program(const TimedNetlist& timed, Semantics semantics, LaneModelStats* stats = nullptr);

}  // namespace tesa
