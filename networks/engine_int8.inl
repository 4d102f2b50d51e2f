// engine_int8.inl -- the INT8 forward pass (a template on the multiplication policy) and the
// tensor kernels it shares with the FP32 pass. Included by engine.h only.
#pragma once

#include <algorithm>
#include <limits>

namespace tesa {

namespace kernels {

// col[(ci * k + ky) * k + kx][oy * ow + ox] = in[ci][oy*s - pad + ky][ox*s - pad + kx], 0 outside.
template <class T>
void im2col(const T* in, const Layer& l, T* col) {
    const int k = l.kernel, s = l.stride, p = l.pad, oh = l.out.h, ow = l.out.w;
    for (int ci = 0; ci < l.in.c; ++ci)
        for (int ky = 0; ky < k; ++ky)
            for (int kx = 0; kx < k; ++kx) {
                T* row = col + static_cast<size_t>((ci * k + ky) * k + kx) * oh * ow;
                for (int oy = 0; oy < oh; ++oy) {
                    const int iy = oy * s - p + ky;
                    for (int ox = 0; ox < ow; ++ox) {
                        const int ix = ox * s - p + kx;
                        row[oy * ow + ox] = (iy >= 0 && iy < l.in.h && ix >= 0 && ix < l.in.w)
                                                ? in[(static_cast<size_t>(ci) * l.in.h + iy) * l.in.w + ix]
                                                : T{0};
                    }
                }
            }
}

template <class T>
void maxpool(const T* in, const Layer& l, T* out) {
    for (int c = 0; c < l.out.c; ++c)
        for (int oy = 0; oy < l.out.h; ++oy)
            for (int ox = 0; ox < l.out.w; ++ox) {
                T m = std::numeric_limits<T>::lowest();
                for (int ky = 0; ky < l.kernel; ++ky)
                    for (int kx = 0; kx < l.kernel; ++kx)
                        m = std::max(m, in[(static_cast<size_t>(c) * l.in.h + oy * l.stride + ky) * l.in.w + ox * l.stride + kx]);
                out[(static_cast<size_t>(c) * l.out.h + oy) * l.out.w + ox] = m;
            }
}

template <class T>
void shortcut_a(const T* in, const Layer& l, T* out) {
    std::fill(out, out + l.out.size(), T{0});
    for (int c = 0; c < l.in.c; ++c)
        for (int oy = 0; oy < l.out.h; ++oy)
            for (int ox = 0; ox < l.out.w; ++ox)
                out[(static_cast<size_t>(c + l.pad_channels) * l.out.h + oy) * l.out.w + ox] =
                    in[(static_cast<size_t>(c) * l.in.h + oy * l.stride) * l.in.w + ox * l.stride];
}

}  // namespace kernels

template <class Mul>
void forward_int8(const QuantizedModel& q, const uint8_t* image, Workspace<int8_t>& ws, int32_t* logits, Mul& mul) {
    const Model& m = *q.model;
    // Input: pad, then quantize each pixel through the channel's lookup table.
    {
        const int pad = m.pre.pad, h = m.input.h - 2 * pad, w = m.input.w - 2 * pad;
        for (int c = 0; c < m.input.c; ++c) {
            const int8_t* lut = q.input_lut.data() + static_cast<size_t>(c) * 256;
            for (int y = 0; y < m.input.h; ++y)
                for (int x = 0; x < m.input.w; ++x) {
                    const int iy = y - pad, ix = x - pad;
                    const uint8_t p = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? image[(static_cast<size_t>(c) * h + iy) * w + ix] : 0;
                    ws.input[(static_cast<size_t>(c) * m.input.h + y) * m.input.w + x] = lut[p];
                }
        }
    }
    const size_t last = m.layers.size() - 1;
    for (size_t i = 0; i < m.layers.size(); ++i) {
        const Layer& l = m.layers[i];
        const QuantLayer& ql = q.layers[i];
        auto src = [&](int in) -> const int8_t* { return in < 0 ? ws.input.data() : ws.act[static_cast<size_t>(in)].data(); };
        const int8_t* in = src(l.inputs[0]);
        int8_t* out = ws.act[i].data();
        switch (l.type) {
            case LayerType::Conv:
            case LayerType::Fc: {
                const int outs = l.out.c, positions = l.out.h * l.out.w, fan_in = static_cast<int>(l.fan_in());
                const int8_t* col = in;
                const bool direct = l.type == LayerType::Fc || (l.kernel == 1 && l.stride == 1 && l.pad == 0);
                if (Mul::kMode != MulMode::Exact && !direct) {
                    kernels::im2col(in, l, ws.col.data());
                    col = ws.col.data();
                }
                int32_t* acc = ws.acc.data();
                if constexpr (Mul::kMode != MulMode::PerProduct) {
                    if (Mul::kMode == MulMode::Exact && !direct)
                        pack_conv_columns(in, l, ws.col.data(), ws.packed.data());
                    else
                        gemm::pack_columns(col, fan_in, positions, ws.packed.data());
                    gemm::gemm(ql.weight_packed.data(), ql.bias.data(), ws.packed.data(), outs, gemm::pairs(fan_in), positions, acc);
                    for (const ExtraWeight& e : ql.extra) {
                        // Row k of the packed columns: the low or high int16 of pair k / 2.
                        const int32_t* xr = ws.packed.data() + static_cast<size_t>(e.k / 2) * positions;
                        const int shift = (e.k & 1) * 16;
                        int32_t* ar = acc + static_cast<size_t>(e.out_channel) * positions;
                        for (int p = 0; p < positions; ++p)
                            ar[p] += int32_t{e.weight} * static_cast<int16_t>(static_cast<uint32_t>(xr[p]) >> shift);
                    }
                    if constexpr (Mul::kMode == MulMode::Corrections) {
                        GemmView v;
                        v.layer = static_cast<int>(i);
                        v.outs = outs;
                        v.fan_in = fan_in;
                        v.positions = positions;
                        v.weight = ql.weight.data();
                        v.x = col;
                        v.extra = ql.extra.data();
                        v.extras = ql.extra.size();
                        v.acc = acc;
                        mul.correct(v);
                    }
                } else {
                    MacSite site;
                    site.layer = static_cast<int>(i);
                    for (int o = 0; o < outs; ++o) {
                        site.out_channel = o;
                        const int8_t* wr = ql.weight.data() + static_cast<size_t>(o) * fan_in;
                        for (int p = 0; p < positions; ++p) {
                            site.out_pos = p;
                            site.extra = -1;
                            int32_t a = ql.bias[static_cast<size_t>(o)];
                            for (int k = 0; k < fan_in; ++k) {
                                site.k = k;
                                a += mul.mul(wr[k], col[static_cast<size_t>(k) * positions + p], site);
                            }
                            acc[static_cast<size_t>(o) * positions + p] = a;
                        }
                    }
                    for (size_t e = 0; e < ql.extra.size(); ++e) {
                        const ExtraWeight& x = ql.extra[e];
                        site.out_channel = x.out_channel;
                        site.k = x.k;
                        site.extra = static_cast<int>(e);
                        for (int p = 0; p < positions; ++p) {
                            site.out_pos = p;
                            acc[static_cast<size_t>(x.out_channel) * positions + p] +=
                                mul.mul(x.weight, col[static_cast<size_t>(x.k) * positions + p], site);
                        }
                    }
                }
                if (i == last) {
                    std::copy(acc, acc + outs, logits);
                    return;
                }
                for (int o = 0; o < outs; ++o) {
                    const Requant r = ql.requant[static_cast<size_t>(o)];
                    for (int p = 0; p < positions; ++p)
                        out[static_cast<size_t>(o) * positions + p] = clamp_int8(r.apply(acc[static_cast<size_t>(o) * positions + p]), l.relu);
                }
                break;
            }
            case LayerType::MaxPool: kernels::maxpool(in, l, out); break;
            case LayerType::ShortcutA: kernels::shortcut_a(in, l, out); break;
            case LayerType::GlobalAvgPool: {
                const int64_t n = static_cast<int64_t>(l.in.h) * l.in.w;
                for (int c = 0; c < l.in.c; ++c) {
                    int64_t s = 0;
                    for (int64_t j = 0; j < n; ++j) s += in[c * n + j];
                    // floor((2s + n) / 2n): the mean rounded, ties towards +inf
                    const int64_t num = 2 * s + n, den = 2 * n;
                    out[c] = clamp_int8(static_cast<int32_t>(num >= 0 ? num / den : -((-num + den - 1) / den)), false);
                }
                break;
            }
            case LayerType::Add: {
                const int8_t* b = src(l.inputs[1]);
                const int64_t half = int64_t{1} << (QuantLayer::kAddBits - 1);
                for (size_t j = 0; j < l.out.size(); ++j)
                    out[j] = clamp_int8(static_cast<int32_t>((int64_t{in[j]} * ql.add_a.m0 + int64_t{b[j]} * ql.add_b.m0 + half) >>
                                                             QuantLayer::kAddBits),
                                        l.relu);
                break;
            }
        }
    }
}

}  // namespace tesa
