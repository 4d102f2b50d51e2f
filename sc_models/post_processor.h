// post_processor.h -- the post-processing unit: what happens to the array's int32 outputs before
// they become the next layer's INT8 activations, and the layers that need no multiplier. All
// tensors live in the output scratchpad; parameters in the parameter scratchpad. Rounding and
// clamping are those of the INT8 engine (networks/quantize.h), so the accelerator's integers equal
// the engine's bit for bit.
//   Requantize  src int32 [positions][channels] (positions = height x width), parameters per channel
//               {int32 bias, int32 m0, int32 shift} (12 bytes); dst INT8 [channels][positions]:
//               y = clamp((acc + bias) * m0 + 2^(shift-1) >> shift, relu ? 0 : -128, 127).
//   Bias        src int32 [positions][channels] + bias (same 12-byte parameters) -> dst int32, same
//               layout: the last layer's logits.
//   Add         src, src2, dst INT8 channels x height x width; parameters {m0_a, m0_b, shift}:
//               y = clamp(a * m0_a + b * m0_b + 2^(shift-1) >> shift).
//   MaxPool     src INT8 [C][H][W], kernel x kernel windows at `stride` -> dst [C][(H-k)/s+1][(W-k)/s+1].
//   AvgPool     the same windows, the integer mean rounded with ties towards +inf.
//   ShortcutA   option-A shortcut: dst [C + 2 pad_channels][(H-1)/s+1][(W-1)/s+1], input channel c
//               subsampled at `stride` into channel c + pad_channels, zeros elsewhere.
// ReLU (the flag) clamps at 0 after any operation that produces INT8.
#pragma once

#include "firmware/command_stream.h"
#include "sc_models/scratchpad.h"

#include <cstdint>

namespace tesa {

enum PostError : uint32_t { kPostOk = 0, kPostRange = 0x301, kPostUnsupported = 0x302, kPostBadParameter = 0x303 };

// out: the output scratchpad (sources and destination), params: the parameter scratchpad.
uint32_t post_process(const fw::PostCmd& cmd, Scratchpad& out, const Scratchpad& params);

}  // namespace tesa
