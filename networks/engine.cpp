// engine.cpp -- FP32 forward pass, calibration ranges, threaded evaluation.
#include "networks/engine.h"

#include "common/error.h"

#include <chrono>
#include <cmath>
#include <thread>

namespace tesa {

template <class T>
Workspace<T>::Workspace(const Model& m) : input(m.input.size()) {
    size_t col = 0, acc = 0, packed = 0, rows = 0;
    for (const auto& l : m.layers) {
        act.emplace_back(l.out.size());
        const size_t positions = static_cast<size_t>(l.out.h) * l.out.w;
        if (l.type == LayerType::Conv) {
            col = std::max(col, l.fan_in() * positions);
            rows = std::max(rows, 2 * static_cast<size_t>(l.out.w));  // pack_conv_columns' two rows
        }
        if (l.has_weights()) packed = std::max(packed, static_cast<size_t>(gemm::pairs(static_cast<int>(l.fan_in()))) * positions);
        acc = std::max(acc, l.out.size());
    }
    this->col.resize(std::max(col, rows));  // FP32 im2col, or INT8 row scratch
    this->packed.resize(packed);
    this->acc.resize(acc);
}

void pack_conv_columns(const int8_t* in, const Layer& l, int8_t* rows, int32_t* out) {
    const int k = l.kernel, s = l.stride, pad = l.pad, oh = l.out.h, ow = l.out.w;
    const int fan_in = static_cast<int>(l.fan_in()), positions = oh * ow;
    int8_t* r0 = rows;
    int8_t* r1 = rows + ow;
    // Output row oy of the im2col row for fan-in position f (f = (ci * k + ky) * k + kx).
    auto build = [&](int f, int oy, int8_t* dst) {
        if (f >= fan_in) {
            std::fill(dst, dst + ow, int8_t{0});
            return;
        }
        const int kx = f % k, ky = (f / k) % k, ci = f / (k * k);
        const int iy = oy * s - pad + ky;
        if (iy < 0 || iy >= l.in.h) {
            std::fill(dst, dst + ow, int8_t{0});
            return;
        }
        const int8_t* src = in + (static_cast<size_t>(ci) * l.in.h + iy) * l.in.w;
        // ox valid when 0 <= ox * s - pad + kx < in.w
        const int lo = std::min(ow, std::max(0, (pad - kx + s - 1) / s));
        const int hi = std::max(lo, std::min(ow, (l.in.w + pad - kx + s - 1) / s));
        std::fill(dst, dst + lo, int8_t{0});
        if (s == 1)
            std::copy(src + lo - pad + kx, src + hi - pad + kx, dst + lo);
        else
            for (int ox = lo; ox < hi; ++ox) dst[ox] = src[ox * s - pad + kx];
        std::fill(dst + hi, dst + ow, int8_t{0});
    };
    for (int j = 0; j < gemm::pairs(fan_in); ++j)
        for (int oy = 0; oy < oh; ++oy) {
            build(2 * j, oy, r0);
            build(2 * j + 1, oy, r1);
            int32_t* o = out + static_cast<size_t>(j) * positions + static_cast<size_t>(oy) * ow;
            for (int ox = 0; ox < ow; ++ox) o[ox] = gemm::pack2(r0[ox], r1[ox]);
        }
}

template struct Workspace<float>;
template struct Workspace<int8_t>;

namespace {

// FP32 forward pass; `range` (optional) collects max |x| of every layer output and of the input.
void run_fp32(const Model& m, const uint8_t* image, Workspace<float>& ws, float* logits, std::vector<float>* range) {
    const int pad = m.pre.pad, h = m.input.h - 2 * pad, w = m.input.w - 2 * pad;
    for (int c = 0; c < m.input.c; ++c) {
        const float mean = m.pre.mean[static_cast<size_t>(c)], sd = m.pre.std[static_cast<size_t>(c)];
        for (int y = 0; y < m.input.h; ++y)
            for (int x = 0; x < m.input.w; ++x) {
                const int iy = y - pad, ix = x - pad;
                const uint8_t p = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? image[(static_cast<size_t>(c) * h + iy) * w + ix] : 0;
                ws.input[(static_cast<size_t>(c) * m.input.h + y) * m.input.w + x] = (static_cast<float>(p) / 255.0f - mean) / sd;
            }
    }
    auto note = [&](size_t slot, const std::vector<float>& t) {
        if (!range) return;
        float mx = (*range)[slot];
        for (float v : t) mx = std::max(mx, std::fabs(v));
        (*range)[slot] = mx;
    };
    note(m.layers.size(), ws.input);
    for (size_t i = 0; i < m.layers.size(); ++i) {
        const Layer& l = m.layers[i];
        auto src = [&](int in) -> const float* { return in < 0 ? ws.input.data() : ws.act[static_cast<size_t>(in)].data(); };
        const float* in = src(l.inputs[0]);
        float* out = ws.act[i].data();
        switch (l.type) {
            case LayerType::Conv:
            case LayerType::Fc: {
                const int outs = l.out.c, positions = l.out.h * l.out.w, fan_in = static_cast<int>(l.fan_in());
                const float* col = in;
                if (l.type == LayerType::Conv) {
                    kernels::im2col(in, l, ws.col.data());
                    col = ws.col.data();
                }
                for (int o = 0; o < outs; ++o) {
                    float* a = out + static_cast<size_t>(o) * positions;
                    std::fill(a, a + positions, 0.0f);
                    const float* wr = l.weight.data() + static_cast<size_t>(o) * fan_in;
                    for (int k = 0; k < fan_in; ++k) {
                        const float wk = wr[k];
                        const float* c = col + static_cast<size_t>(k) * positions;
                        for (int p = 0; p < positions; ++p) a[p] += wk * c[p];
                    }
                    const float b = l.bias[static_cast<size_t>(o)];
                    for (int p = 0; p < positions; ++p) a[p] = l.relu ? std::max(a[p] + b, 0.0f) : a[p] + b;
                }
                break;
            }
            case LayerType::MaxPool: kernels::maxpool(in, l, out); break;
            case LayerType::ShortcutA: kernels::shortcut_a(in, l, out); break;
            case LayerType::GlobalAvgPool: {
                const size_t n = static_cast<size_t>(l.in.h) * l.in.w;
                for (int c = 0; c < l.in.c; ++c) {
                    float s = 0;
                    for (size_t j = 0; j < n; ++j) s += in[static_cast<size_t>(c) * n + j];
                    out[c] = s / static_cast<float>(n);
                }
                break;
            }
            case LayerType::Add: {
                const float* b = src(l.inputs[1]);
                for (size_t j = 0; j < l.out.size(); ++j) out[j] = l.relu ? std::max(in[j] + b[j], 0.0f) : in[j] + b[j];
                break;
            }
        }
        note(i, ws.act[i]);
    }
    if (logits) std::copy(ws.act.back().begin(), ws.act.back().end(), logits);
}

}  // namespace

void forward_fp32(const Model& m, const uint8_t* image, Workspace<float>& ws, float* logits) {
    run_fp32(m, image, ws, logits, nullptr);
}

void require_fits(const Model& m, const ImageSet& set) {
    const int pad = m.pre.pad;
    if (set.channels != m.input.c || set.height + 2 * pad != m.input.h || set.width + 2 * pad != m.input.w)
        fail(m.file + ": the network takes " + std::to_string(m.input.c) + "x" + std::to_string(m.input.h - 2 * pad) + "x" +
             std::to_string(m.input.w - 2 * pad) + " images, the data set " + (set.name.empty() ? std::string() : "'" + set.name + "' ") +
             "has " + std::to_string(set.channels) + "x" + std::to_string(set.height) + "x" + std::to_string(set.width));
    if (set.pixels.size() != set.count() * set.image_size()) fail("data set '" + set.name + "': pixels do not match its image count");
}

std::vector<float> activation_ranges(const Model& m, const ImageSet& images) {
    require_fits(m, images);
    std::vector<float> range(m.layers.size() + 1, 0.0f);
    Workspace<float> ws(m);
    for (size_t i = 0; i < images.count(); ++i) run_fp32(m, images.image(i), ws, nullptr, &range);
    return range;
}

EvalResult evaluate(const Model& m, const ImageSet& set, int threads,
                    const std::function<int(int thread, size_t index, const uint8_t* image)>& classify) {
    require_fits(m, set);
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<size_t> correct(static_cast<size_t>(threads), 0);
    std::vector<std::thread> pool;
    const size_t n = set.count();
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            const size_t lo = n * static_cast<size_t>(t) / static_cast<size_t>(threads);
            const size_t hi = n * static_cast<size_t>(t + 1) / static_cast<size_t>(threads);
            for (size_t i = lo; i < hi; ++i)
                if (classify(t, i, set.image(i)) == set.labels[i]) ++correct[static_cast<size_t>(t)];
        });
    for (auto& th : pool) th.join();
    EvalResult r;
    r.images = n;
    for (size_t c : correct) r.correct += c;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

int argmax(const float* v, int n) { return static_cast<int>(std::max_element(v, v + n) - v); }
int argmax(const int32_t* v, int n) { return static_cast<int>(std::max_element(v, v + n) - v); }

EvalResult evaluate_fp32(const Model& m, const ImageSet& set, int threads) {
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::vector<Workspace<float>> ws(static_cast<size_t>(threads), Workspace<float>(m));
    std::vector<std::vector<float>> logits(static_cast<size_t>(threads), std::vector<float>(static_cast<size_t>(m.classes())));
    return evaluate(m, set, threads, [&](int t, size_t, const uint8_t* img) {
        float* lg = logits[static_cast<size_t>(t)].data();
        forward_fp32(m, img, ws[static_cast<size_t>(t)], lg);
        return argmax(lg, m.classes());
    });
}

EvalResult evaluate_int8(const QuantizedModel& q, const ImageSet& set, int threads) {
    if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const Model& m = *q.model;
    std::vector<Workspace<int8_t>> ws(static_cast<size_t>(threads), Workspace<int8_t>(m));
    std::vector<std::vector<int32_t>> logits(static_cast<size_t>(threads), std::vector<int32_t>(static_cast<size_t>(m.classes())));
    return evaluate(m, set, threads, [&](int t, size_t, const uint8_t* img) {
        ExactMul mul;
        int32_t* lg = logits[static_cast<size_t>(t)].data();
        forward_int8(q, img, ws[static_cast<size_t>(t)], lg, mul);
        return q.classify(lg);
    });
}

}  // namespace tesa
