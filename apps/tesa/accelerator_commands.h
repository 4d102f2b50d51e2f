// accelerator_commands.h -- sub-commands that run the accelerator model (SystemC), linked into
// `tesa` but not into `tesa-core` (the build's model generator).
#pragma once

#include "apps/tesa/commands.h"

namespace tesa::cli {

Command make_gemm_command();
Command make_array_study_command();

}  // namespace tesa::cli
