// accelerator_commands.cpp -- the full command list of `tesa`: the stages' commands, then the
// accelerator's.
#include "apps/tesa/accelerator_commands.h"

namespace tesa::cli {

const std::vector<Command>& accelerator_commands() {
    static const std::vector<Command> commands = [] {
        std::vector<Command> all = all_commands();
        all.insert(all.begin(), make_flow_command());  // the flow reaches the accelerator, so it lives here
        all.insert(all.end() - 1, make_gemm_command());  // before `version`
        all.insert(all.end() - 1, make_array_study_command());
        all.insert(all.end() - 1, make_run_command());
        return all;
    }();
    return commands;
}

}  // namespace tesa::cli
