// semantics.cpp -- names and the (delay mode, COND reading) of each timing semantics.
#include "timing/semantics.h"

#include "common/error.h"

namespace tesa {

const char* semantics_name(Semantics s) {
    switch (s) {
    case Semantics::SdfSim: return "sdf-sim";
    case Semantics::Transport: return "transport";
    case Semantics::DelayLine: return "delay-line";
    }
    return "?";
}

Semantics parse_semantics(const std::string& name, const std::string& what) {
    for (Semantics s : {Semantics::SdfSim, Semantics::Transport, Semantics::DelayLine})
        if (name == semantics_name(s)) return s;
    fail(what + " '" + name + "': expected sdf-sim, transport or delay-line");
}

DelayMode delay_mode_of(Semantics s) {
    return s == Semantics::SdfSim ? DelayMode::SdfSim : s == Semantics::Transport ? DelayMode::Transport : DelayMode::DelayLine;
}

CondMode cond_mode_of(Semantics s) { return s == Semantics::SdfSim ? CondMode::Exact : CondMode::Max; }

}  // namespace tesa
