// lane_engine.h -- exhaustive characterization in the sdf-sim or the transport semantics, in
// process, bit for bit equal to the event-driven reference (DelayMode::SdfSim / Transport over the
// same timed netlist).
//
// Per current pair (a, b) every previous pair goes first through a sound stability bound, and only
// the transitions it cannot prove correct through the exact lane program (timing/timed_lane_model.h),
// packed 256 to an evaluation. The bound works on ticks: a net is "stable from" tick s when it has
// no transition after s and holds its final value from s on.
//   operand bit:  its launch tick for the new value if it toggles, else never changes (-inf);
//   gate, with final output v = f(new inputs):
//     F stable from  sF = min over the prime implicants of f (or ~f) that the new inputs satisfy
//                         of the max of their inputs' stable ticks (those inputs force F),
//     output stable from  max over inputs k of min(sF, s_k) + dmax_k(v),
//   where dmax_k(v) is the largest delay of input k's entries for edge v. Why it is sound: F has no
//   change after sF; its last change, at s <= sF, is caused by an input k that changed at s (so
//   s <= s_k) and is delayed by at most dmax_k(v), since the reference picks the smallest delay
//   among the changed inputs' paths; earlier pending transitions are cancelled at s or mature
//   before it. A product bit stable from a tick no later than both of its capture limits is
//   captured with its final, exact value. The bound is computed for 256 previous pairs at a time
//   in 16-bit lanes; the work that depends only on the current pair (final values, the implicants
//   that apply, the delays of the final edge) is done once for all 2^(2N) previous pairs.
#pragma once

#include "timing/chunk_format.h"
#include "timing/lane_program.h"
#include "timing/semantics.h"
#include "timing/timed_netlist.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tesa {

struct LaneEngineStats {
    uint64_t transitions = 0;  // (previous, current) pairs done
    uint64_t exact = 0;        // of them, through the exact program (not proven by the bound)
    uint64_t wrong = 0;
};

class LaneEngine {
public:
    // `timed` must have an integral time step >= 1 ps (as the program) and, for sdf-sim, read COND
    // exactly. The bound holds for both semantics: it only uses that the output's last transition
    // carries the last change of F, due at most dmax after an input change that caused it (in
    // transport, every evaluation from sF on carries the final value and the one at F's last change
    // is due at most dmax_k after it).
    LaneEngine(const TimedNetlist& timed, Semantics semantics);

    int width() const { return width_; }
    // Run the exact program from this compiled form of it (timing/lane_compiler.h; same bits)
    // instead of the interpreter. It must be built from this engine's program().
    void use_compiled(std::shared_ptr<const class CompiledLaneProgram> compiled);
    const LaneProgram& program() const { return program_; }
    long program_ops() const { return static_cast<long>(code_.instrs.size()); }

    // Every previous pair of current pair `cur` (= a | b << N).
    void characterize(uint32_t cur, ChunkPairResult& result, LaneEngineStats& stats) const;
    // The chunk file bytes (chunk_format.h) of current pairs [first, first + count), on `threads`.
    std::string chunk(uint32_t first, uint32_t count, int threads, LaneEngineStats* stats = nullptr) const;

    // For tests: whether the bound proves the transition correct.
    bool proves(uint32_t a_prev, uint32_t b_prev, uint32_t a, uint32_t b) const;
    // For tests: whether the bound runs in 8-bit ticks (else 16-bit).
    bool byte_ticks() const { return view_.byte_ticks; }

    struct GateData {
        int out = -1, n_in = 0;
        int in[6] = {0, 0, 0, 0, 0, 0};
        int16_t dmax[2][6] = {};                  // [final value][pin], ticks
        std::vector<std::vector<uint8_t>> cubes;  // [new input index]: input masks of the implicants
    };
    // What the bound reads, for the lane kernels.
    struct BoundView {
        int width = 0;
        const std::vector<GateData>* gates = nullptr;
        const std::vector<int16_t> (*launch)[2] = nullptr;
        const std::vector<int>* operand_net = nullptr;
        const std::vector<int>* product_net = nullptr;
        const std::vector<int16_t>* capture = nullptr;
        bool byte_ticks = false;
        int never = 0, cap = 0;
    };

private:
    struct Scratch;
    void bound_block(uint32_t cur, uint32_t prev_first, const std::vector<uint8_t>& final_values, Scratch& s) const;

    const TimedNetlist& timed_;
    int width_ = 0;
    LaneProgram program_{0};
    LaneCode code_;
    std::shared_ptr<const CompiledLaneProgram> compiled_;
    std::vector<GateData> gates_;
    std::vector<int16_t> launch_tick_[2];  // [new value][operand bit: a 0..N-1, b N..2N-1]
    std::vector<int16_t> capture_tick_;     // per product bit: min of the two limit ticks
    std::vector<int> operand_net_;          // operand bit q's net
    BoundView view_;
};

}  // namespace tesa
