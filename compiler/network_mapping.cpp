// network_mapping.cpp -- memory plan, tiling and command emission for each layer.
#include "compiler/network_mapping.h"

#include "common/error.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <sstream>

namespace tesa {

namespace {

uint64_t align(uint64_t v, uint64_t a = 64) { return (v + a - 1) / a * a; }

uint32_t u32(uint64_t v, const std::string& what) {
    if (v > 0xffffffffull) fail("compiler: " + what + " does not fit a 32-bit firmware field");
    return static_cast<uint32_t>(v);
}

// An activation tensor in DRAM: C x (H + 2b) x (W + 2b), zero border b.
struct Tensor {
    Shape shape;
    int border = 0;
    uint64_t addr = 0;
    uint64_t hp() const { return static_cast<uint64_t>(shape.h) + 2 * border; }
    uint64_t wp() const { return static_cast<uint64_t>(shape.w) + 2 * border; }
    uint64_t plane() const { return hp() * wp(); }
    uint64_t bytes() const { return plane() * shape.c; }
    // Address of interior element (c, y, x).
    uint64_t at(uint64_t c, uint64_t y, uint64_t x) const { return addr + c * plane() + (y + border) * wp() + x + border; }
};

class Emitter {
public:
    Emitter(const QuantizedModel& q, const MappingOptions& o) : q_(q), m_(*q.model), o_(o) {}

    NetworkProgram run();

private:
    std::string where(size_t i) const {
        return "compiler: layer " + std::to_string(i) + " (" + layer_type_name(m_.layers[i].type) + ")";
    }
    const Tensor& tensor(int index) const { return index < 0 ? input_ : tensors_[static_cast<size_t>(index)]; }
    uint64_t constant(std::vector<uint8_t> bytes) {
        DramSegment s;
        s.addr = cursor_;
        cursor_ = align(cursor_ + bytes.size());
        s.bytes = std::move(bytes);
        p_.constants.push_back(std::move(s));
        return p_.constants.back().addr;
    }
    void emit(fw::Command c, LayerMap& lm) {
        if (const auto* d = std::get_if<fw::DmaCmd>(&c)) lm.dma_bytes += d->bytes();
        lm.traffic += command_traffic(c, o_.rows, o_.cols);
        cmds_.push_back(std::move(c));
        ++lm.commands;
    }
    // A whole tensor's interior between DRAM and scratchpad `buffer` at `spad` (packed C x H x W).
    void move_tensor(const Tensor& t, fw::Buffer buffer, uint64_t spad, bool to_dram, LayerMap& lm) {
        fw::DmaCmd d;
        d.to_dram = to_dram;
        d.buffer = buffer;
        d.dram_addr = t.at(0, 0, 0);
        d.spad_offset = u32(spad, "offset");
        d.planes = u32(t.shape.c, "channels");
        d.rows = u32(t.shape.h, "rows");
        d.row_bytes = u32(t.shape.w, "width");
        d.dram_stride = u32(t.wp(), "stride");
        d.dram_plane_stride = u32(t.plane(), "stride");
        emit(d, lm);
    }
    void gemm_layer(size_t i, LayerMap& lm);
    void post_layer(size_t i, LayerMap& lm);

    const QuantizedModel& q_;
    const Model& m_;
    const MappingOptions& o_;
    NetworkProgram p_;
    Tensor input_;
    std::vector<Tensor> tensors_;
    std::vector<fw::Command> cmds_;
    uint64_t cursor_ = 0;
};

void Emitter::gemm_layer(size_t i, LayerMap& lm) {
    const Layer& l = m_.layers[i];
    const QuantLayer& ql = q_.layers[i];
    const bool last = i + 1 == m_.layers.size(), fc = l.type == LayerType::Fc;
    const Tensor& in = tensor(l.inputs[0]);
    const int K = static_cast<int>(l.fan_in()), N = l.out.c;
    const int oh = fc ? 1 : l.out.h, ow = fc ? 1 : l.out.w, ks = fc ? 0 : l.kernel, s = l.stride, pad = l.pad;
    if (last && oh * ow != 1) fail(where(i) + ": the last layer must produce one value per class (1 x 1 output)");
    // WD: one extra GEMM row per distinct fan-in row with extra weights.
    std::map<int, int> extra_row;  // fan-in row -> extra row index
    for (const ExtraWeight& e : ql.extra) extra_row.emplace(e.k, 0);
    int j = 0;
    for (auto& kv : extra_row) kv.second = j++;
    const int J = j, KK = K + J;
    std::vector<uint8_t> b(static_cast<size_t>(KK) * N, 0);
    for (int k = 0; k < K; ++k)
        for (int n = 0; n < N; ++n) b[static_cast<size_t>(k) * N + n] = static_cast<uint8_t>(ql.weight[static_cast<size_t>(n) * K + k]);
    std::vector<bool> taken(static_cast<size_t>(J) * N, false);
    for (const ExtraWeight& e : ql.extra) {
        const int r = extra_row[e.k];
        if (taken[static_cast<size_t>(r) * N + e.out_channel]) fail(where(i) + ": two extra weights on one (channel, input row)");
        taken[static_cast<size_t>(r) * N + e.out_channel] = true;
        b[static_cast<size_t>(K + r) * N + e.out_channel] = static_cast<uint8_t>(e.weight);
    }
    std::vector<uint8_t> prm(static_cast<size_t>(N) * 12);
    for (int n = 0; n < N; ++n) {
        const int32_t v[3] = {ql.bias[static_cast<size_t>(n)], last ? 0 : ql.requant[static_cast<size_t>(n)].m0,
                              last ? 0 : ql.requant[static_cast<size_t>(n)].n};
        std::memcpy(prm.data() + 12 * static_cast<size_t>(n), v, 12);
    }
    const uint64_t b_addr = constant(std::move(b)), p_addr = constant(std::move(prm));

    // Tiles: N groups that fit the weight and parameter scratchpads, M bands of output rows that fit
    // the activation scratchpad (A) and the output scratchpad (int32 C and the post unit's result).
    uint64_t tn = std::min<uint64_t>({static_cast<uint64_t>(N), o_.weight_bytes / KK, o_.parameter_bytes / 12});
    if (tn == 0) fail(where(i) + ": " + std::to_string(KK) + " weight rows do not fit the weight scratchpad");
    if (tn < static_cast<uint64_t>(N) && tn >= static_cast<uint64_t>(o_.cols)) tn = tn / o_.cols * o_.cols;
    const uint64_t dst_bytes = last ? 4 : 1;
    const uint64_t band = std::min<uint64_t>({static_cast<uint64_t>(oh), o_.activation_bytes / (static_cast<uint64_t>(ow) * KK),
                                              o_.output_bytes / (static_cast<uint64_t>(ow) * tn * (4 + dst_bytes))});
    if (band == 0)
        fail(where(i) + ": one output row (" + std::to_string(ow) + " positions x " + std::to_string(KK) +
             " rows) does not fit the activation or output scratchpad");
    lm.gemm = {oh * ow, N, KK};
    lm.extra_rows = J;
    lm.extra_weights = ql.extra.size();
    lm.macs = l.macs() + ql.extra.size() * static_cast<size_t>(oh) * ow;
    const Tensor& out = last ? Tensor{} : tensors_[i];
    int tile = 0;
    for (uint64_t n0 = 0; n0 < static_cast<uint64_t>(N); n0 += tn) {
        const uint64_t tnc = std::min<uint64_t>(tn, N - n0);
        fw::DmaCmd w;
        w.buffer = fw::Buffer::Weights;
        w.dram_addr = b_addr + n0;
        w.rows = u32(KK, "rows");
        w.row_bytes = u32(tnc, "row");
        w.dram_stride = u32(N, "stride");
        emit(w, lm);
        fw::DmaCmd pr;
        pr.buffer = fw::Buffer::Parameters;
        pr.dram_addr = p_addr + 12 * n0;
        pr.row_bytes = u32(12 * tnc, "row");
        pr.dram_stride = pr.row_bytes;
        emit(pr, lm);
        for (uint64_t oy0 = 0; oy0 < static_cast<uint64_t>(oh); oy0 += band) {
            const uint64_t rows = std::min<uint64_t>(band, oh - oy0), M = rows * ow;
            // A: M x KK, row-major, gathered from the input tensor.
            if (fc) {
                move_tensor(in, fw::Buffer::Activations, 0, false, lm);  // the flattened input is A's one row
                for (const auto& [k, r] : extra_row) {
                    const uint64_t hw = static_cast<uint64_t>(in.shape.h) * in.shape.w;
                    fw::DmaCmd x;
                    x.buffer = fw::Buffer::Activations;
                    x.dram_addr = in.at(k / hw, k % hw / in.shape.w, k % in.shape.w);
                    x.spad_offset = u32(K + r, "offset");
                    x.row_bytes = 1;
                    x.dram_stride = 1;
                    emit(x, lm);
                }
            } else {
                auto window = [&](uint64_t c0, uint64_t planes, int ky, int kx, uint64_t col) {
                    fw::DmaCmd a;
                    a.buffer = fw::Buffer::Activations;
                    // (oy * s + ky - pad, ox * s + kx - pad) of the unpadded input, inside the border.
                    a.dram_addr = in.addr + c0 * in.plane() + (oy0 * s + ky + in.border - pad) * in.wp() + kx + in.border - pad;
                    a.spad_offset = u32(col, "offset");
                    a.planes = u32(planes, "channels");
                    a.rows = u32(rows, "rows");
                    a.row_bytes = u32(ow, "width");
                    a.dram_elem_stride = u32(s, "stride");
                    a.dram_stride = u32(s * in.wp(), "stride");
                    a.dram_plane_stride = u32(in.plane(), "stride");
                    a.spad_elem_stride = u32(KK, "stride");
                    a.spad_row_stride = u32(static_cast<uint64_t>(ow) * KK, "stride");
                    a.spad_plane_stride = u32(static_cast<uint64_t>(ks) * ks, "stride");
                    emit(a, lm);
                };
                for (int ky = 0; ky < ks; ++ky)
                    for (int kx = 0; kx < ks; ++kx) window(0, in.shape.c, ky, kx, static_cast<uint64_t>(ky) * ks + kx);
                for (const auto& [k, r] : extra_row) window(k / (ks * ks), 1, k / ks % ks, k % ks, K + r);
            }
            emit(fw::SyncCmd{}, lm);
            fw::GemmCmd g;
            g.m = u32(M, "M");
            g.n = u32(tnc, "N");
            g.k = u32(KK, "K");
            g.a_pitch = g.k;
            g.b_pitch = g.n;
            g.c_pitch = g.n;
            g.output_stationary = o_.dataflow == Dataflow::OutputStationary;
            g.weight_on_b = o_.weight_port == WeightPort::B;
            if (tile > 0xffff) fail(where(i) + ": more than 65536 tiles");
            g.tag = static_cast<uint32_t>(i) << 16 | static_cast<uint32_t>(tile++);
            emit(g, lm);
            emit(fw::SyncCmd{}, lm);
            const GemmShape shape{static_cast<int>(M), static_cast<int>(tnc), KK};
            lm.macs_issued += M * tnc * KK;
            lm.passes += expected_folds(o_.dataflow, o_.rows, o_.cols, shape);
            lm.expected_cycles += expected_cycles(o_.dataflow, o_.rows, o_.cols, shape);
            ++lm.tiles;
            fw::PostCmd pc;
            pc.op = last ? fw::PostOp::Bias : fw::PostOp::Requantize;
            pc.relu = !last && l.relu;
            pc.src_offset = 0;
            pc.dst_offset = u32(align(M * tnc * 4), "offset");
            pc.channels = u32(tnc, "channels");
            pc.height = u32(M, "positions");
            pc.width = 1;
            emit(pc, lm);
            fw::DmaCmd st;
            st.to_dram = true;
            st.buffer = fw::Buffer::Outputs;
            st.spad_offset = pc.dst_offset;
            if (last) {  // int32 logits, [1][tnc]
                st.dram_addr = p_.logits_addr + 4 * n0;
                st.row_bytes = u32(4 * tnc, "row");
                st.dram_stride = st.row_bytes;
            } else {  // INT8 [tnc][rows x ow] into the output tensor's channels n0.. and rows oy0..
                st.dram_addr = out.at(n0, oy0, 0);
                st.planes = u32(tnc, "channels");
                st.rows = u32(rows, "rows");
                st.row_bytes = u32(ow, "width");
                st.dram_stride = u32(out.wp(), "stride");
                st.dram_plane_stride = u32(out.plane(), "stride");
            }
            emit(st, lm);
        }
    }
}

void Emitter::post_layer(size_t i, LayerMap& lm) {
    const Layer& l = m_.layers[i];
    const QuantLayer& ql = q_.layers[i];
    const Tensor& in = tensor(l.inputs[0]);
    const Tensor& out = tensors_[i];
    const uint64_t n_in = l.in.size(), second = align(n_in), dst = l.type == LayerType::Add ? align(second + n_in) : second;
    if (dst + l.out.size() > o_.output_bytes)
        fail(where(i) + ": its tensors (" + std::to_string(dst + l.out.size()) + " bytes) do not fit the output scratchpad");
    move_tensor(in, fw::Buffer::Outputs, 0, false, lm);
    fw::PostCmd pc;
    pc.src_offset = 0;
    pc.dst_offset = u32(dst, "offset");
    pc.channels = u32(l.in.c, "channels");
    pc.height = u32(l.in.h, "height");
    pc.width = u32(l.in.w, "width");
    switch (l.type) {
        case LayerType::MaxPool:
            pc.op = fw::PostOp::MaxPool;
            pc.kernel = u32(l.kernel, "kernel");
            pc.stride = u32(l.stride, "stride");
            break;
        case LayerType::GlobalAvgPool:
            if (l.in.h != l.in.w) fail(where(i) + ": global average pooling of a non-square input");
            pc.op = fw::PostOp::AvgPool;
            pc.kernel = u32(l.in.h, "kernel");
            pc.stride = 1;
            break;
        case LayerType::ShortcutA:
            pc.op = fw::PostOp::ShortcutA;
            pc.stride = u32(l.stride, "stride");
            pc.pad_channels = u32(l.pad_channels, "channels");
            break;
        case LayerType::Add: {
            pc.op = fw::PostOp::Add;
            pc.relu = l.relu;
            move_tensor(tensor(l.inputs[1]), fw::Buffer::Outputs, second, false, lm);
            pc.src2_offset = u32(second, "offset");
            std::vector<uint8_t> prm(12);
            const int32_t v[3] = {ql.add_a.m0, ql.add_b.m0, QuantLayer::kAddBits};
            std::memcpy(prm.data(), v, 12);
            fw::DmaCmd d;
            d.buffer = fw::Buffer::Parameters;
            d.dram_addr = constant(std::move(prm));
            d.row_bytes = 12;
            d.dram_stride = 12;
            emit(d, lm);
            break;
        }
        default: fail(where(i) + ": no mapping for this layer type");
    }
    emit(fw::SyncCmd{}, lm);
    emit(pc, lm);
    move_tensor(out, fw::Buffer::Outputs, dst, true, lm);
}

NetworkProgram Emitter::run() {
    p_.options = o_;
    const size_t n = m_.layers.size();
    if (n == 0 || !m_.layers.back().has_weights()) fail("compiler: the network must end with a conv or fc layer (the logits)");
    // Borders: the largest zero padding of the convs reading each tensor.
    std::vector<int> border(n, 0);
    int input_border = 0;
    for (const Layer& l : m_.layers)
        if (l.type == LayerType::Conv) {
            int& b = l.inputs[0] < 0 ? input_border : border[static_cast<size_t>(l.inputs[0])];
            b = std::max(b, l.pad);
        }
    // Constants first (their addresses go into the commands), tensors after them.
    std::vector<LayerMap> maps(n);
    p_.classes = m_.classes();
    input_ = Tensor{m_.input, input_border, 0};
    tensors_.resize(n);
    for (size_t i = 0; i < n; ++i) tensors_[i] = Tensor{m_.layers[i].out, border[i], 0};
    // Tensor addresses are needed before emission; constants' sizes are known from the layers, so
    // reserve the tensor area first at fixed addresses and put constants behind it.
    input_.addr = cursor_;
    cursor_ = align(cursor_ + input_.bytes());
    for (size_t i = 0; i + 1 < n; ++i) {
        tensors_[i].addr = cursor_;
        cursor_ = align(cursor_ + tensors_[i].bytes());
    }
    p_.logits_addr = cursor_;
    cursor_ = align(cursor_ + 4 * static_cast<uint64_t>(p_.classes));
    for (size_t i = 0; i < n; ++i) {
        LayerMap& lm = maps[i];
        lm.layer = static_cast<int>(i);
        lm.type = m_.layers[i].type;
        if (m_.layers[i].has_weights())
            gemm_layer(i, lm);
        else
            post_layer(i, lm);
    }
    cmds_.push_back(fw::InterruptCmd{1});
    cmds_.push_back(fw::EndCmd{});
    p_.firmware = fw::encode(cmds_);
    p_.firmware_addr = cursor_;
    cursor_ = align(cursor_ + p_.firmware.size(), 4096);
    p_.dram_bytes = align(cursor_, 1 << 20);
    p_.input_addr = input_.addr;
    p_.input_border = input_.border;
    p_.input = m_.input;
    p_.layers = std::move(maps);
    return std::move(p_);
}

}  // namespace

uint64_t NetworkProgram::macs() const {
    uint64_t s = 0;
    for (const LayerMap& l : layers) s += l.macs;
    return s;
}
uint64_t NetworkProgram::macs_issued() const {
    uint64_t s = 0;
    for (const LayerMap& l : layers) s += l.macs_issued;
    return s;
}
uint64_t NetworkProgram::expected_cycles() const {
    uint64_t s = 0;
    for (const LayerMap& l : layers) s += l.expected_cycles;
    return s;
}

MemoryTraffic NetworkProgram::traffic() const {
    MemoryTraffic t;
    for (const LayerMap& l : layers) t += l.traffic;
    t.dram_read += firmware.size();
    return t;
}

std::vector<int8_t> NetworkProgram::input_tensor(const QuantizedModel& q, const uint8_t* image) const {
    const Model& m = *q.model;
    const int pad = m.pre.pad, h = m.input.h - 2 * pad, w = m.input.w - 2 * pad, b = input_border;
    const size_t hp = static_cast<size_t>(m.input.h) + 2 * b, wp = static_cast<size_t>(m.input.w) + 2 * b;
    std::vector<int8_t> t(static_cast<size_t>(m.input.c) * hp * wp, 0);
    for (int c = 0; c < m.input.c; ++c) {
        const int8_t* lut = q.input_lut.data() + static_cast<size_t>(c) * 256;
        for (int y = 0; y < m.input.h; ++y)
            for (int x = 0; x < m.input.w; ++x) {  // as forward_int8: pixel 0 in the preprocessing pad
                const int iy = y - pad, ix = x - pad;
                const uint8_t p = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? image[(static_cast<size_t>(c) * h + iy) * w + ix] : 0;
                t[(static_cast<size_t>(c) * hp + y + b) * wp + x + b] = lut[p];
            }
    }
    return t;
}

NetworkProgram compile_network(const QuantizedModel& q, const MappingOptions& o) {
    if (!q.model) fail("compiler: quantized model without its network");
    if (o.rows < 1 || o.cols < 1) fail("compiler: the array needs at least one row and column");
    return Emitter(q, o).run();
}

std::string mapping_report(const NetworkProgram& p) {
    std::ostringstream s;
    s << "| layer | type | GEMM M x N x K | extra rows (WD) | tiles | MACs (network) | MACs issued | array passes | expected cycles | DMA bytes | SRAM bytes | DRAM bytes | commands |\n"
      << "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    uint64_t dma = 0, passes = 0;
    size_t cmds = 0;
    for (const LayerMap& l : p.layers) {
        s << "| " << l.layer << " | " << layer_type_name(l.type) << " | ";
        if (l.tiles)
            s << l.gemm.m << " x " << l.gemm.n << " x " << l.gemm.k << " | " << l.extra_rows << " | " << l.tiles << " | " << l.macs << " | "
              << l.macs_issued << " | " << l.passes << " | " << l.expected_cycles;
        else
            s << "- | - | - | - | - | - | -";
        s << " | " << l.dma_bytes << " | " << l.traffic.spad_bytes() << " | " << l.traffic.dram_bytes() << " | " << l.commands << " |\n";
        dma += l.dma_bytes;
        passes += l.passes;
        cmds += l.commands;
    }
    const MemoryTraffic t = p.traffic();  // with the firmware fetch
    s << "| total | | | | | " << p.macs() << " | " << p.macs_issued() << " | " << passes << " | " << p.expected_cycles() << " | " << dma << " | "
      << t.spad_bytes() << " | " << t.dram_bytes() << " | " << cmds << " |\n";
    return s.str();
}

}  // namespace tesa
