// post_processor.cpp -- requantization with the engine's rounding, bounds checked.
#include "sc_models/post_processor.h"

#include <cstring>

namespace tesa {

uint32_t post_process(const fw::PostCmd& cmd, Scratchpad& out, const Scratchpad& params) {
    if (cmd.op != fw::PostOp::Requantize) return kPostUnsupported;
    const uint64_t positions = static_cast<uint64_t>(cmd.height) * cmd.width, channels = cmd.channels;
    if (!out.fits(cmd.src_offset, positions * channels * 4) || !out.fits(cmd.dst_offset, positions * channels) ||
        !params.fits(cmd.param_offset, channels * 12))
        return kPostRange;
    for (uint64_t c = 0; c < channels; ++c) {
        int32_t prm[3];
        std::memcpy(prm, params.at(cmd.param_offset + 12 * c), sizeof prm);
        const int32_t bias = prm[0], m0 = prm[1], shift = prm[2];
        if (shift < 1 || shift > 62) return kPostBadParameter;
        int8_t* dst = reinterpret_cast<int8_t*>(out.at(cmd.dst_offset + c * positions));
        for (uint64_t p = 0; p < positions; ++p) {
            int32_t acc;
            std::memcpy(&acc, out.at(cmd.src_offset + 4 * (p * channels + c)), 4);
            const int64_t v = ((static_cast<int64_t>(acc) + bias) * m0 + (int64_t{1} << (shift - 1))) >> shift;
            const int64_t lo = cmd.relu ? 0 : -128;
            dst[p] = static_cast<int8_t>(v < lo ? lo : (v > 127 ? 127 : v));
        }
    }
    return kPostOk;
}

}  // namespace tesa
