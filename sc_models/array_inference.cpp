// array_inference.cpp -- transposing the engine's layer GEMMs into the array's operand layout,
// running them, and folding the array's output errors back into the accumulators.
#include "sc_models/array_inference.h"

#include "common/error.h"

#include <algorithm>
#include <map>
#include <thread>

namespace tesa {

GemmShape array_operands(const GemmView& v, std::vector<int8_t>& a, std::vector<int8_t>& b) {
    std::map<int, int> extra_row;  // fan-in row -> its extra row, in increasing k
    for (size_t e = 0; e < v.extras; ++e) extra_row.emplace(v.extra[e].k, 0);
    int j = 0;
    for (auto& kv : extra_row) kv.second = v.fan_in + j++;
    const int M = v.positions, K0 = v.fan_in, K = K0 + j, N = v.outs;
    a.resize(static_cast<size_t>(M) * static_cast<size_t>(K));
    b.assign(static_cast<size_t>(K) * static_cast<size_t>(N), 0);
    const auto copy_row = [&](int src, int dst) {
        const int8_t* xr = v.x + static_cast<size_t>(src) * static_cast<size_t>(M);
        for (int m = 0; m < M; ++m) a[static_cast<size_t>(m) * static_cast<size_t>(K) + static_cast<size_t>(dst)] = xr[m];
    };
    for (int k = 0; k < K0; ++k) {
        copy_row(k, k);
        for (int n = 0; n < N; ++n)
            b[static_cast<size_t>(k) * static_cast<size_t>(N) + static_cast<size_t>(n)] = v.weight[static_cast<size_t>(n) * static_cast<size_t>(K0) + static_cast<size_t>(k)];
    }
    for (const auto& [k, r] : extra_row) copy_row(k, r);
    for (size_t e = 0; e < v.extras; ++e) {
        const ExtraWeight& x = v.extra[e];
        b[static_cast<size_t>(extra_row[x.k]) * static_cast<size_t>(N) + static_cast<size_t>(x.out_channel)] = x.weight;
    }
    return {M, N, K};
}

ArrayMul::ArrayMul(const ArrayInferenceOptions& o, MultiplierBackend backend) : o_(o), core_(o.rows, o.cols, std::move(backend)) {}

void ArrayMul::correct(const GemmView& v) {
    const GemmShape shape = array_operands(v, a_, b_);
    const int M = shape.m, N = shape.n;
    c_.resize(static_cast<size_t>(M) * static_cast<size_t>(N));
    GemmJob job;
    job.shape = shape;
    job.a = a_.data();
    job.b = b_.data();
    job.c = c_.data();
    job.dataflow = o_.dataflow;
    job.weight_port = o_.weight_port;
    job.regulation = o_.regulation;
    uint64_t s = o_.seed ^ (image_ * 0x9e3779b97f4a7c15ULL) ^ (static_cast<uint64_t>(v.layer) << 48);
    job.seed = splitmix64(s);
    stats += core_.run(job);
    ++gemms;
    const std::vector<int32_t>& e = core_.output_errors();
    if (core_.stats().wrong_products == 0) return;
    for (int m = 0; m < M; ++m)
        for (int n = 0; n < N; ++n)
            v.acc[static_cast<size_t>(n) * static_cast<size_t>(M) + static_cast<size_t>(m)] += e[static_cast<size_t>(m) * static_cast<size_t>(N) + static_cast<size_t>(n)];
}

ArrayEval evaluate_on_array(const QuantizedModel& q, const ImageSet& set, const ArrayInferenceOptions& o,
                            const std::function<MultiplierBackend()>& make_backend) {
    const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const Model& m = *q.model;
    std::vector<Workspace<int8_t>> ws(static_cast<size_t>(threads), Workspace<int8_t>(m));
    std::vector<std::vector<int32_t>> logits(static_cast<size_t>(threads), std::vector<int32_t>(static_cast<size_t>(m.classes())));
    std::vector<ArrayMul> mul;
    for (int t = 0; t < threads; ++t) mul.emplace_back(o, make_backend());
    ArrayEval r;
    r.result = evaluate(m, set, threads, [&](int t, size_t index, const uint8_t* img) {
        ArrayMul& am = mul[static_cast<size_t>(t)];
        am.start_image(index);
        int32_t* lg = logits[static_cast<size_t>(t)].data();
        forward_int8(q, img, ws[static_cast<size_t>(t)], lg, am);
        return q.classify(lg);
    });
    for (const ArrayMul& am : mul) r.stats += am.stats;
    return r;
}

}  // namespace tesa
