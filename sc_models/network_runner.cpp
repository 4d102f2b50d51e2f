// network_runner.cpp -- the host's script for a network: load once, then one stream per image.
#include "sc_models/network_runner.h"

#include "networks/engine.h"

#include "common/error.h"
#include "common/rng.h"
#include "sc_models/simulation_context.h"

#include <chrono>
#include <cstdio>

namespace tesa {

MappingOptions mapping_options(const AcceleratorConfig& a, Dataflow d, WeightPort port) {
    MappingOptions o;
    o.rows = a.rows;
    o.cols = a.cols;
    o.dataflow = d;
    o.weight_port = port;
    o.weight_bytes = a.weight_bytes;
    o.activation_bytes = a.activation_bytes;
    o.output_bytes = a.output_bytes;
    o.parameter_bytes = a.parameter_bytes;
    return o;
}

NetworkRun run_network(const QuantizedModel& q, const NetworkProgram& prog, const ImageSet& set, const NetworkRunOptions& o,
                       MultiplierBackend backend) {
    const AcceleratorConfig& a = o.system.accelerator;
    const MappingOptions& po = prog.options;
    if (po.rows != a.rows || po.cols != a.cols || po.weight_bytes != a.weight_bytes || po.activation_bytes != a.activation_bytes ||
        po.output_bytes != a.output_bytes || po.parameter_bytes != a.parameter_bytes)
        fail("run: the program was compiled for another array or other scratchpad sizes");
    if (prog.dram_bytes > o.system.dram_bytes)
        fail("run: the program needs " + std::to_string(prog.dram_bytes) + " bytes of DRAM, the system has " + std::to_string(o.system.dram_bytes));
    if (prog.firmware.size() > a.controller.max_firmware_bytes)
        fail("run: firmware of " + std::to_string(prog.firmware.size()) + " bytes exceeds the controller's limit");
    require_fits(*q.model, set);
    const auto t0 = std::chrono::steady_clock::now();
    fresh_simulation_context();
    SystemConfig sc = o.system;
    sc.accelerator.controller.regulation = o.regulation;
    System sys("system", sc, std::move(backend));
    NetworkRun r;
    r.layer_stats.assign(q.model->layers.size(), GemmStats());
    r.layer_traffic.assign(q.model->layers.size(), MemoryTraffic());
    // The layer of each command of the stream: the compiler emits each layer's commands in order.
    std::vector<int> command_layer;
    for (const LayerMap& l : prog.layers) command_layer.insert(command_layer.end(), l.commands, l.layer);
    const int classes = prog.classes;
    std::vector<int32_t> logits(static_cast<size_t>(classes));
    std::string error;
    sys.host().script = [&](Host& h) {
        try {
            for (const DramSegment& s : prog.constants) h.write(s.addr, s.bytes.data(), static_cast<uint32_t>(s.bytes.size()));
            h.write(prog.firmware_addr, prog.firmware.data(), static_cast<uint32_t>(prog.firmware.size()));
            Controller& ctl = sys.accelerator().controller();
            uint64_t dma_before = sys.accelerator().dma_bytes();
            NetworkRun one;
            for (size_t i = 0; i < set.count(); ++i) {
                const uint64_t id = o.image_ids.empty() ? i : o.image_ids[i];
                const std::vector<int8_t> in = prog.input_tensor(q, set.image(i));
                h.write(prog.input_addr, in.data(), static_cast<uint32_t>(in.size()));
                ctl.set_seed(o.seed ^ (id * 0x9e3779b97f4a7c15ULL));
                const sc_core::sc_time start = sc_core::sc_time_stamp();
                const uint32_t status = h.run_stream(prog.firmware_addr, static_cast<uint32_t>(prog.firmware.size()));
                one = NetworkRun();
                one.layer_stats.assign(q.model->layers.size(), GemmStats());
                one.layer_traffic.assign(q.model->layers.size(), MemoryTraffic());
                one.accelerator_ns = (sc_core::sc_time_stamp() - start).to_seconds() * 1e9;
                if (status & RegisterBlock::kStatusError) {
                    char code[16];
                    std::snprintf(code, sizeof code, "0x%03x", h.read_reg(RegisterBlock::kErrorCode));
                    fail("run: image " + std::to_string(id) + ": the accelerator stopped with error " + code + ": " + ctl.last_error());
                }
                h.read(prog.logits_addr, logits.data(), static_cast<uint32_t>(4 * classes));
                for (const GemmRecord& g : ctl.gemm_log()) {
                    one.layer_stats[g.tag >> 16] += g.stats;
                    one.total += g.stats;
                }
                one.traffic = ctl.fetch_traffic();
                for (size_t c = 0; c < ctl.traffic_log().size(); ++c) {
                    const MemoryTraffic& t = ctl.traffic_log()[c];
                    if (c < command_layer.size()) one.layer_traffic[static_cast<size_t>(command_layer[c])] += t;
                    else if (t.spad_bytes() + t.dram_bytes()) fail("run: traffic from a command after the last layer's");
                    one.traffic += t;
                }
                one.images = 1;
                one.correct = q.classify(logits.data()) == set.labels[i] ? 1 : 0;
                one.dma_bytes = sys.accelerator().dma_bytes() - dma_before;
                dma_before = sys.accelerator().dma_bytes();
                if (o.keep_logits) one.logits = logits;
                if (o.on_image) o.on_image(id, one);
                r.add(one);
                if (o.progress) o.progress(r.images, set.count());
            }
        } catch (const std::exception& e) {
            error = e.what();
        }
        sc_core::sc_pause();  // sc_start returns; the next run builds a fresh context
    };
    sc_core::sc_start();
    if (!error.empty()) fail(error);
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

}  // namespace tesa
