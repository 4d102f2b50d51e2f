// network_energy.cpp -- the layers' GEMMs of one forward pass, measured or counted on the array.
#include "sc_models/network_energy.h"

#include "common/error.h"
#include "sc_models/array_inference.h"
#include "timing/transition_table.h"

#include <functional>
#include <memory>

namespace tesa {

namespace {

// Hands every conv/fc layer's GEMM of a forward pass (exact products) to `each`.
struct LayerGemms {
    static constexpr MulMode kMode = MulMode::Corrections;
    std::function<void(int layer, const GemmJob&)> each;
    Dataflow dataflow = Dataflow::WeightStationary;
    WeightPort weight_port = WeightPort::A;
    std::vector<int8_t> a, b;
    int32_t mul(int8_t w, int8_t x, const MacSite&) { return int32_t{w} * int32_t{x}; }
    void correct(const GemmView& v) {
        GemmJob job;
        job.shape = array_operands(v, a, b);
        job.a = a.data();
        job.b = b.data();
        job.dataflow = dataflow;
        job.weight_port = weight_port;
        each(v.layer, job);
    }
};

void for_each_layer_gemm(const QuantizedModel& q, const uint8_t* image, Dataflow dataflow, WeightPort port,
                         const std::function<void(int, const GemmJob&)>& each) {
    LayerGemms rec;
    rec.each = each;
    rec.dataflow = dataflow;
    rec.weight_port = port;
    Workspace<int8_t> ws(*q.model);
    std::vector<int32_t> logits(static_cast<size_t>(q.model->classes()));
    forward_int8(q, image, ws, logits.data(), rec);
}

}  // namespace

double LayerEnergy::energy_pj(const LayerCycles& c, double volts, double period_ps) const {
    double e = 0;
    if (c.busy()) {
        if (!pe.busy_model) fail("layer " + std::to_string(c.layer) + ": no busy-cycle energy was measured");
        e += static_cast<double>(c.busy()) * pe.busy_model->energy_pj(volts, period_ps);
    }
    if (c.idle()) {
        if (!pe.idle_model) fail("layer " + std::to_string(c.layer) + ": no idle-cycle energy was measured");
        e += static_cast<double>(c.idle()) * pe.idle_model->energy_pj(volts, period_ps);
    }
    return e;
}

double NetworkEnergy::energy_pj(double volts, double period_ps) const {
    double e = 0;
    for (const LayerEnergy& l : layers) e += l.energy_pj(l.cycles, volts, period_ps);
    return e;
}

double NetworkEnergy::energy_pj(const std::vector<LayerCycles>& cycles, double volts, double period_ps) const {
    if (cycles.size() != layers.size())
        fail("network energy: " + std::to_string(cycles.size()) + " layers counted, " + std::to_string(layers.size()) + " measured");
    double e = 0;
    for (size_t i = 0; i < layers.size(); ++i) {
        if (cycles[i].layer != layers[i].cycles.layer)
            fail("network energy: layer " + std::to_string(cycles[i].layer) + " counted where layer " + std::to_string(layers[i].cycles.layer) +
                 " was measured");
        e += layers[i].energy_pj(cycles[i], volts, period_ps);
    }
    return e;
}

NetworkEnergy measure_network_energy(const QuantizedModel& q, const uint8_t* image, const NetworkEnergyOptions& o) {
    if (!o.pe.voltage) fail("network energy: the three Liberty corners are needed (PeEnergyOptions::voltage)");
    NetworkEnergy r;
    for_each_layer_gemm(q, image, o.dataflow, o.weight_port, [&](int layer, const GemmJob& job) {
        PeEnergyOptions po = o.pe;
        po.sta.work_dir = o.pe.sta.work_dir / ("layer" + std::to_string(layer));
        LayerEnergy le;
        le.pe = measure_pe_energy(job, po);
        le.cycles.layer = layer;
        le.cycles.shape = job.shape;
        le.cycles.stats = le.pe.stats;
        r.layers.push_back(std::move(le));
    });
    if (r.layers.empty()) fail("network energy: the network has no conv or fc layer");
    return r;
}

std::vector<LayerCycles> count_array_cycles(const QuantizedModel& q, const uint8_t* image, int rows, int cols, Dataflow dataflow,
                                            WeightPort weight_port) {
    ArrayCore core(rows, cols, MultiplierBackend::fast(std::make_shared<TransitionTable>(TransitionTable::clean())));
    std::vector<LayerCycles> r;
    std::vector<int32_t> c;
    for_each_layer_gemm(q, image, dataflow, weight_port, [&](int layer, const GemmJob& job_in) {
        GemmJob job = job_in;
        c.resize(static_cast<size_t>(job.shape.m) * static_cast<size_t>(job.shape.n));
        job.c = c.data();
        job.regulation = 0;
        LayerCycles lc;
        lc.layer = layer;
        lc.shape = job.shape;
        lc.stats = core.run(job);
        r.push_back(lc);
    });
    return r;
}

}  // namespace tesa
