// pe_stimulus.h -- what the input ports of every PE of the array (rtl/mac_pe.v) carry, clock edge
// by clock edge, decoded from ArrayCore's registers and schedule: the operand streams the PEs
// really see, for gate-level simulation of one PE (switching activity, power).
//
// Edge e_s begins period s (ArrayCore's step s). Its inputs are what a PE's neighbours held in
// period s-1 (act from the left, weight from above in OS, psum from above), the edges' operands of
// period s for the PEs on the edges, and the controls of the schedule: load (WS: the last load
// cycle), flush (a fold's first period, every PE but PE(0,0)), drain (OS: the period before was a
// drain period). A PE's partial-sum register lags ArrayCore's psum by one period (mac_pe.v), so
// psum_in of edge e_s is the PE above's psum of period s-2 (WS), its accumulator during an OS drain.
// tests/sc_models/mac_pe_test.cpp checks these inputs against a Verilated grid wired PE to PE.
#pragma once

#include "sc_models/array_core.h"

#include <cstdint>
#include <vector>

namespace tesa {

struct PeInputs {
    uint8_t act = 0, act_valid = 0, weight = 0, weight_valid = 0, flush = 0, load = 0, drain = 0;
    uint32_t psum = 0;
    bool operator==(const PeInputs& o) const {
        return act == o.act && act_valid == o.act_valid && weight == o.weight && weight_valid == o.weight_valid && flush == o.flush &&
               load == o.load && drain == o.drain && psum == o.psum;
    }
};

class PeStimulus {
public:
    // `core` must have begun its job (ArrayCore::begin) and not stepped yet.
    PeStimulus(const ArrayCore& core, Dataflow dataflow);

    // After core.step(): the inputs of the edge that began the period just stepped.
    void after_step();
    // After the job's last step: the edge after the last period (no operands), which brings the
    // last partial sums into their registers.
    void final_edge();

    const PeInputs& at(int r, int c) const { return in_[static_cast<size_t>(r * cols_ + c)]; }
    // Was PE(r, c) busy in the period just stepped (both valid bits set)?
    bool busy(int r, int c) const { return now_[static_cast<size_t>(r * cols_ + c)].busy(); }

private:
    void edge(const ArrayCore::CycleInfo* info);

    const ArrayCore& core_;
    bool os_;
    int rows_, cols_;
    std::vector<PeInputs> in_;
    std::vector<Pe> now_, before_;         // ArrayCore's registers of periods s and s-1
    std::vector<int32_t> psum_lag_;        // the psum registers after edge e_{s-1}: ArrayCore's psum of s-2
    std::vector<int32_t> last_psum_;       // ArrayCore's psum of the period before (held during a drain)
    std::vector<int32_t> snapshot_;        // OS: the accumulators when compute ended
    ArrayCore::CycleInfo prev_{ArrayCore::Phase::Load, -1};
};

}  // namespace tesa
