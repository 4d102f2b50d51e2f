// memory_traffic.cpp -- traffic arithmetic and the per-command closed forms.
#include "sc_models/memory_traffic.h"

#include <variant>

namespace tesa {

namespace {

constexpr size_t kWeights = 0, kActivations = 1, kOutputs = 2, kParameters = 3;

MemoryTraffic dma_traffic(const fw::DmaCmd& d) {
    MemoryTraffic t;
    const size_t b = static_cast<size_t>(d.buffer);
    if (d.to_dram) {
        t.spad_read[b] = d.bytes();
        t.dram_written = d.bytes();
    } else {
        const uint64_t span = (static_cast<uint64_t>(d.row_bytes) - 1) * d.dram_elem_stride + 1;
        t.dram_read = static_cast<uint64_t>(d.planes) * d.rows * span;
        t.spad_written[b] = d.bytes();
    }
    return t;
}

MemoryTraffic post_traffic(const fw::PostCmd& p) {
    MemoryTraffic t;
    const uint64_t c = p.channels, h = p.height, w = p.width;
    switch (p.op) {
        case fw::PostOp::Requantize:
        case fw::PostOp::Bias:
            t.spad_read[kOutputs] = 4 * c * h * w;
            t.spad_read[kParameters] = 12 * c;
            t.spad_written[kOutputs] = (p.op == fw::PostOp::Requantize ? 1 : 4) * c * h * w;
            break;
        case fw::PostOp::Add:
            t.spad_read[kOutputs] = 2 * c * h * w;
            t.spad_read[kParameters] = 12;
            t.spad_written[kOutputs] = c * h * w;
            break;
        case fw::PostOp::MaxPool:
        case fw::PostOp::AvgPool: {
            const uint64_t k = p.kernel, s = p.stride;
            if (k == 0 || s == 0 || k > h || k > w) break;  // refused by the unit: nothing moves
            const uint64_t outputs = c * ((h - k) / s + 1) * ((w - k) / s + 1);
            t.spad_read[kOutputs] = outputs * k * k;
            t.spad_written[kOutputs] = outputs;
            break;
        }
        case fw::PostOp::ShortcutA: {
            const uint64_t s = p.stride;
            if (s == 0 || h == 0 || w == 0) break;
            const uint64_t oh = (h - 1) / s + 1, ow = (w - 1) / s + 1;
            t.spad_read[kOutputs] = c * oh * ow;
            t.spad_written[kOutputs] = (c + 2ull * p.pad_channels) * oh * ow;
            break;
        }
    }
    return t;
}

}  // namespace

MemoryTraffic gemm_traffic(const fw::GemmCmd& g, const GemmStats& array) {
    MemoryTraffic t;
    t.spad_read[kActivations] = array.a_reads;
    t.spad_read[kWeights] = array.b_reads;
    t.spad_read[kOutputs] = 4 * (array.c_reads + (g.accumulate ? static_cast<uint64_t>(g.m) * g.n : 0));
    t.spad_written[kOutputs] = 4 * array.c_writes;
    return t;
}

MemoryTraffic command_traffic(const fw::Command& c, int rows, int cols) {
    if (const auto* d = std::get_if<fw::DmaCmd>(&c)) return dma_traffic(*d);
    if (const auto* p = std::get_if<fw::PostCmd>(&c)) return post_traffic(*p);
    if (const auto* g = std::get_if<fw::GemmCmd>(&c)) {
        const Dataflow d = g->output_stationary ? Dataflow::OutputStationary : Dataflow::WeightStationary;
        const GemmShape s{static_cast<int>(g->m), static_cast<int>(g->n), static_cast<int>(g->k)};
        return gemm_traffic(*g, expected_traffic(d, rows, cols, s));
    }
    return {};
}

}  // namespace tesa
