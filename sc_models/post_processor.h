// post_processor.h -- the post-processing unit: what happens to the array's int32 outputs before
// they become the next layer's INT8 activations. Version 1 implements Requantize: src holds the
// GEMM's int32 C as [positions][channels] (positions = height x width), the parameter scratchpad
// holds per channel {int32 bias, int32 m0, int32 shift} (12 bytes), and dst receives INT8
// [channels][positions] (the engine's CHW layout):
//   y = clamp((acc + bias) * m0 + 2^(shift-1) >> shift, relu ? 0 : -128, 127)   (as networks/quantize.h).
// Add, MaxPool and AvgPool answer kPostUnsupported until they are implemented.
#pragma once

#include "firmware/command_stream.h"
#include "sc_models/scratchpad.h"

#include <cstdint>

namespace tesa {

enum PostError : uint32_t { kPostOk = 0, kPostRange = 0x301, kPostUnsupported = 0x302, kPostBadParameter = 0x303 };

// out: the output scratchpad (int32 src and INT8 dst), params: the parameter scratchpad.
uint32_t post_process(const fw::PostCmd& cmd, Scratchpad& out, const Scratchpad& params);

}  // namespace tesa
