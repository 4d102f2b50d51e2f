// network_energy_test.cpp -- a network's layers as the array runs them for energy
// (sc_models/network_energy.h): a weight-distributed layer gets the compiler's extra GEMM rows and
// still computes its accumulators; the array's busy PE-cycles are the MACs it issues; the energy
// of an inference is busy x E_busy + idle x E_idle, layer by layer.
#include "sc_models/network_energy.h"

#include "compiler/mitigation.h"
#include "lenet_suite.h"
#include "sc_models/array_inference.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <set>

namespace tesa {
namespace {

class NetworkEnergyLayout : public test::LeNetSuite<2> {
protected:
    static QuantizedModel distributed() {
        QuantizedModel wd = *q_;
        MitigationOptions mo;
        mo.wd_fraction = 0.01;
        const MitigationReport r = mitigate(wd, tables_->p_weight_a, mo);
        EXPECT_GT(r.wd_split, 0u);
        return wd;
    }
};

// Checks every layer's array operands against the engine's exact accumulators.
struct OperandCheck {
    static constexpr MulMode kMode = MulMode::Corrections;
    const QuantizedModel* q = nullptr;
    int layers = 0, extra_rows = 0;
    int32_t mul(int8_t w, int8_t x, const MacSite&) { return int32_t{w} * int32_t{x}; }
    void correct(const GemmView& v) {
        std::vector<int8_t> a, b;
        const GemmShape s = array_operands(v, a, b);
        std::set<int> rows;
        for (size_t e = 0; e < v.extras; ++e) rows.insert(v.extra[e].k);
        ASSERT_EQ(s.k, v.fan_in + static_cast<int>(rows.size())) << "layer " << v.layer;
        ASSERT_EQ(s.m, v.positions);
        ASSERT_EQ(s.n, v.outs);
        extra_rows += static_cast<int>(rows.size());
        const std::vector<int32_t>& bias = q->layers[static_cast<size_t>(v.layer)].bias;
        for (int m = 0; m < s.m; ++m)
            for (int n = 0; n < s.n; ++n) {
                int32_t c = bias[static_cast<size_t>(n)];
                for (int k = 0; k < s.k; ++k)
                    c += int32_t{a[static_cast<size_t>(m * s.k + k)]} * int32_t{b[static_cast<size_t>(k * s.n + n)]};
                ASSERT_EQ(c, v.acc[static_cast<size_t>(n) * static_cast<size_t>(s.m) + static_cast<size_t>(m)])
                    << "layer " << v.layer << " position " << m << " channel " << n;
            }
        ++layers;
    }
};

TEST_F(NetworkEnergyLayout, WeightDistributedLayersGetExtraRowsAndStillComputeTheirAccumulators) {
    for (const bool wd : {false, true}) {
        const QuantizedModel q = wd ? distributed() : *q_;
        OperandCheck check;
        check.q = &q;
        Workspace<int8_t> ws(*q.model);
        std::vector<int32_t> logits(10);
        forward_int8(q, test_->image(0), ws, logits.data(), check);
        EXPECT_EQ(check.layers, 5);
        if (wd) EXPECT_GT(check.extra_rows, 0);
        else EXPECT_EQ(check.extra_rows, 0);
    }
}

TEST_F(NetworkEnergyLayout, BusyPeCyclesAreTheMacsTheArrayIssues) {
    for (Dataflow d : {Dataflow::WeightStationary, Dataflow::OutputStationary}) {
        const std::vector<LayerCycles> base = count_array_cycles(*q_, test_->image(0), 8, 8, d, WeightPort::A);
        ASSERT_EQ(base.size(), 5u);
        uint64_t busy = 0;
        for (const LayerCycles& l : base) {
            EXPECT_EQ(l.busy(), static_cast<uint64_t>(l.shape.m) * static_cast<uint64_t>(l.shape.n) * static_cast<uint64_t>(l.shape.k));
            EXPECT_EQ(l.stats.pe_cycles, 64 * l.stats.cycles);
            EXPECT_GT(l.idle(), 0u);
            busy += l.busy();
        }
        EXPECT_EQ(busy, q_->macs());
        const QuantizedModel wd = distributed();
        const std::vector<LayerCycles> more = count_array_cycles(wd, test_->image(0), 8, 8, d, WeightPort::A);
        uint64_t busy_wd = 0;
        for (size_t i = 0; i < more.size(); ++i) {
            EXPECT_GE(more[i].shape.k, base[i].shape.k);
            EXPECT_GE(more[i].stats.cycles, base[i].stats.cycles);
            busy_wd += more[i].busy();
        }
        EXPECT_GT(busy_wd, busy) << "the extra rows are issued MACs";
        EXPECT_GE(busy_wd, wd.macs()) << "at least the network's MACs (the extra rows' zeros are issued too)";
    }
}

TEST(NetworkEnergy, AnInferenceIsBusyTimesBusyEnergyPlusIdleTimesIdleEnergyPerLayer) {
    const std::array<CornerPower, 3> corners = {{{"slow", 0.95, 1e-4, 1e-6, 1000}, {"typ", 1.10, 2e-4, 2e-6, 1000}, {"fast", 1.25, 3e-4, 5e-6, 1000}}};
    const auto model = [&](double dyn_w) { return VoltageEnergyModel({"typ", 1.10, dyn_w, 2e-6, 1000}, corners); };
    NetworkEnergy n;
    for (int l = 0; l < 2; ++l) {
        LayerEnergy e;
        e.cycles.layer = 2 * l;
        e.cycles.stats.pe_cycles = 100 + 10 * static_cast<uint64_t>(l);
        e.cycles.stats.busy_pe_cycles = 60;
        e.pe.busy_model = model(1e-3 * (l + 1));
        e.pe.idle_model = model(4e-4);
        n.layers.push_back(e);
    }
    const double v = 1.0, t = 1500;
    double expect = 0;
    for (const LayerEnergy& e : n.layers)
        expect += 60 * e.pe.busy_model->energy_pj(v, t) + static_cast<double>(e.cycles.stats.pe_cycles - 60) * e.pe.idle_model->energy_pj(v, t);
    EXPECT_DOUBLE_EQ(n.energy_pj(v, t), expect);
    EXPECT_GT(n.energy_pj(1.2, t), n.energy_pj(1.0, t));
    EXPECT_GT(n.energy_pj(1.0, 3000), n.energy_pj(1.0, 1500)) << "leakage is charged per period";

    std::vector<LayerCycles> other = {n.layers[0].cycles, n.layers[1].cycles};
    other[1].stats.busy_pe_cycles = 70;  // a variant with more MACs in layer 2
    EXPECT_NEAR(n.energy_pj(other, v, t) - n.energy_pj(v, t),
                10 * (n.layers[1].pe.busy_model->energy_pj(v, t) - n.layers[1].pe.idle_model->energy_pj(v, t)), 1e-9);
    EXPECT_THROW(n.energy_pj(std::vector<LayerCycles>{other[0]}, v, t), Error);  // a layer missing
    std::swap(other[0], other[1]);
    EXPECT_THROW(n.energy_pj(other, v, t), Error);  // layers out of order
    n.layers[0].pe.idle_model.reset();
    EXPECT_THROW(n.energy_pj(v, t), Error);  // idle cycles without an idle energy
    EXPECT_THROW(n.energy_pj(0.5, t), Error);  // outside the corners' range
}

}  // namespace
}  // namespace tesa
