// post_processor.cpp -- the post-processing operations with the engine's rounding, bounds checked
// before anything is written.
#include "sc_models/post_processor.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace tesa {

namespace {

int8_t clamp8(int64_t v, bool relu) {
    const int64_t lo = relu ? 0 : -128;
    return static_cast<int8_t>(v < lo ? lo : (v > 127 ? 127 : v));
}

int32_t load32(const Scratchpad& s, uint64_t at) {
    int32_t v;
    std::memcpy(&v, s.at(at), 4);
    return v;
}

uint32_t requantize(const fw::PostCmd& cmd, Scratchpad& out, const Scratchpad& params, bool to_int8) {
    const uint64_t positions = static_cast<uint64_t>(cmd.height) * cmd.width, channels = cmd.channels;
    if (!out.fits(cmd.src_offset, positions * channels * 4) || !out.fits(cmd.dst_offset, positions * channels * (to_int8 ? 1 : 4)) ||
        !params.fits(cmd.param_offset, channels * 12))
        return kPostRange;
    for (uint64_t c = 0; c < channels; ++c) {
        const int32_t bias = load32(params, cmd.param_offset + 12 * c), m0 = load32(params, cmd.param_offset + 12 * c + 4),
                      shift = load32(params, cmd.param_offset + 12 * c + 8);
        if (to_int8 && (shift < 1 || shift > 62)) return kPostBadParameter;
        for (uint64_t p = 0; p < positions; ++p) {
            const int64_t acc = static_cast<int64_t>(load32(out, cmd.src_offset + 4 * (p * channels + c))) + bias;
            if (to_int8) {
                // 128 bits: hostile parameters ((-2^31 - 2^31) x -2^31) overflow 64; valid ones give the engine's bits.
                const __int128 wide = (static_cast<__int128>(acc) * m0 + (static_cast<__int128>(1) << (shift - 1))) >> shift;
                const int64_t v = wide > INT32_MAX ? INT32_MAX : wide < INT32_MIN ? INT32_MIN : static_cast<int64_t>(wide);
                *reinterpret_cast<int8_t*>(out.at(cmd.dst_offset + c * positions + p)) = clamp8(v, cmd.relu);
            } else {
                const int32_t v = static_cast<int32_t>(acc);
                std::memcpy(out.at(cmd.dst_offset + 4 * (p * channels + c)), &v, 4);
            }
        }
    }
    return kPostOk;
}

uint32_t add(const fw::PostCmd& cmd, Scratchpad& out, const Scratchpad& params) {
    const uint64_t n = static_cast<uint64_t>(cmd.channels) * cmd.height * cmd.width;
    if (!out.fits(cmd.src_offset, n) || !out.fits(cmd.src2_offset, n) || !out.fits(cmd.dst_offset, n) || !params.fits(cmd.param_offset, 12))
        return kPostRange;
    const int64_t ma = load32(params, cmd.param_offset), mb = load32(params, cmd.param_offset + 4);
    const int32_t shift = load32(params, cmd.param_offset + 8);
    if (shift < 1 || shift > 62) return kPostBadParameter;
    const int8_t* a = reinterpret_cast<const int8_t*>(out.at(cmd.src_offset));
    const int8_t* b = reinterpret_cast<const int8_t*>(out.at(cmd.src2_offset));
    int8_t* y = reinterpret_cast<int8_t*>(out.at(cmd.dst_offset));
    const int64_t half = int64_t{1} << (shift - 1);
    for (uint64_t j = 0; j < n; ++j) y[j] = clamp8((a[j] * ma + b[j] * mb + half) >> shift, cmd.relu);  // in place is safe
    return kPostOk;
}

uint32_t pool(const fw::PostCmd& cmd, Scratchpad& out) {
    const uint32_t k = cmd.kernel, s = cmd.stride;
    if (k == 0 || s == 0 || k > cmd.height || k > cmd.width) return kPostBadParameter;
    const uint64_t oh = (cmd.height - k) / s + 1, ow = (cmd.width - k) / s + 1, c = cmd.channels;
    if (!out.fits(cmd.src_offset, c * cmd.height * cmd.width) || !out.fits(cmd.dst_offset, c * oh * ow)) return kPostRange;
    const int8_t* in = reinterpret_cast<const int8_t*>(out.at(cmd.src_offset));
    int8_t* y = reinterpret_cast<int8_t*>(out.at(cmd.dst_offset));
    const int64_t n = static_cast<int64_t>(k) * k;
    for (uint64_t ch = 0; ch < c; ++ch)
        for (uint64_t oy = 0; oy < oh; ++oy)
            for (uint64_t ox = 0; ox < ow; ++ox) {
                int64_t mx = std::numeric_limits<int8_t>::lowest(), sum = 0;
                for (uint32_t ky = 0; ky < k; ++ky)
                    for (uint32_t kx = 0; kx < k; ++kx) {
                        const int8_t v = in[(ch * cmd.height + oy * s + ky) * cmd.width + ox * s + kx];
                        mx = std::max<int64_t>(mx, v);
                        sum += v;
                    }
                int64_t v = mx;
                if (cmd.op == fw::PostOp::AvgPool) {  // floor((2 sum + n) / 2n): ties towards +inf
                    const int64_t num = 2 * sum + n, den = 2 * n;
                    v = num >= 0 ? num / den : -((-num + den - 1) / den);
                }
                y[(ch * oh + oy) * ow + ox] = clamp8(v, cmd.relu);
            }
    return kPostOk;
}

uint32_t shortcut_a(const fw::PostCmd& cmd, Scratchpad& out) {
    const uint32_t s = cmd.stride;
    if (s == 0 || cmd.height == 0 || cmd.width == 0) return kPostBadParameter;
    const uint64_t oh = (cmd.height - 1) / s + 1, ow = (cmd.width - 1) / s + 1, oc = cmd.channels + 2ull * cmd.pad_channels;
    if (!out.fits(cmd.src_offset, uint64_t{cmd.channels} * cmd.height * cmd.width) || !out.fits(cmd.dst_offset, oc * oh * ow))
        return kPostRange;
    const int8_t* in = reinterpret_cast<const int8_t*>(out.at(cmd.src_offset));
    int8_t* y = reinterpret_cast<int8_t*>(out.at(cmd.dst_offset));
    std::fill(y, y + oc * oh * ow, int8_t{0});
    for (uint64_t c = 0; c < cmd.channels; ++c)
        for (uint64_t oy = 0; oy < oh; ++oy)
            for (uint64_t ox = 0; ox < ow; ++ox)
                y[((c + cmd.pad_channels) * oh + oy) * ow + ox] = clamp8(in[(c * cmd.height + oy * s) * cmd.width + ox * s], cmd.relu);
    return kPostOk;
}

}  // namespace

uint32_t post_process(const fw::PostCmd& cmd, Scratchpad& out, const Scratchpad& params) {
    switch (cmd.op) {
        case fw::PostOp::Requantize: return requantize(cmd, out, params, true);
        case fw::PostOp::Bias: return requantize(cmd, out, params, false);
        case fw::PostOp::Add: return add(cmd, out, params);
        case fw::PostOp::MaxPool:
        case fw::PostOp::AvgPool: return pool(cmd, out);
        case fw::PostOp::ShortcutA: return shortcut_a(cmd, out);
    }
    return kPostUnsupported;
}

}  // namespace tesa
