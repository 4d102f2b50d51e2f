// Whole networks through the TLM system (host, bus, DRAM, registers, DMA, array, post-processing
// unit), compiled by the host-side compiler: without errors the logits equal the INT8 engine's bit
// for bit -- LeNet-5 baseline and weight-distributed, a residual network with pooling and option-A
// shortcuts, a ResNet-20-shaped network; both dataflows, several array and scratchpad sizes, so
// layers split into tiles. The compiler's MAC counts equal the engine's; the array's busy cycles
// and cycles equal the compiler's issued MACs and closed-form cycles. With timing errors the
// system equals the array inference of the same GEMMs and seeds.
#include "sc_models/network_runner.h"

#include "common/rng.h"
#include "compiler/mitigation.h"
#include "held_transitions.h"
#include "networks/net_test_util.h"
#include "sc_models/array_inference.h"
#include "lenet_suite.h"
#include "test_util.h"

#include <gtest/gtest.h>

namespace tesa {
namespace {

using test::clean_table;


std::vector<int32_t> engine_logits(const QuantizedModel& q, const ImageSet& set) {
    Workspace<int8_t> ws(*q.model);
    std::vector<int32_t> out;
    std::vector<int32_t> l(static_cast<size_t>(q.model->classes()));
    ExactMul e;
    for (size_t i = 0; i < set.count(); ++i) {
        forward_int8(q, set.image(i), ws, l.data(), e);
        out.insert(out.end(), l.begin(), l.end());
    }
    return out;
}

SystemConfig system_config(int rows, int cols, uint64_t spad_scale = 1) {
    SystemConfig s;
    s.accelerator.rows = rows;
    s.accelerator.cols = cols;
    if (spad_scale > 1) {  // small scratchpads: layers split into tiles
        s.accelerator.weight_bytes /= spad_scale;
        s.accelerator.activation_bytes /= spad_scale;
        s.accelerator.output_bytes /= spad_scale;
        s.accelerator.parameter_bytes /= spad_scale;
    }
    s.dram_bytes = 16 << 20;
    return s;
}

struct Checked {
    NetworkProgram program;
    NetworkRun run;
};

// Compiles and runs `set`; expects the engine's logits and the compiler's counts.
Checked run_exact(const QuantizedModel& q, const ImageSet& set, Dataflow d, const SystemConfig& sys, const std::string& what) {
    Checked c;
    c.program = compile_network(q, mapping_options(sys.accelerator, d, WeightPort::A));
    NetworkRunOptions o;
    o.system = sys;
    o.keep_logits = true;
    c.run = run_network(q, c.program, set, o, MultiplierBackend::fast(clean_table()));
    EXPECT_EQ(c.run.logits, engine_logits(q, set)) << what;
    EXPECT_EQ(c.program.macs(), q.macs()) << what << ": the compiler counts the engine's MACs";
    EXPECT_EQ(c.run.total.busy_pe_cycles, set.count() * c.program.macs_issued()) << what;
    EXPECT_EQ(c.run.total.cycles, set.count() * c.program.expected_cycles()) << what;
    EXPECT_EQ(c.run.images, set.count());
    // The SoC's counted memory traffic (DMA transactions, the array's edges) equals the
    // compiler's closed-form estimate, layer by layer.
    const uint64_t n = set.count();
    auto times = [n](MemoryTraffic t) {
        MemoryTraffic s;
        for (uint64_t i = 0; i < n; ++i) s += t;
        return s;
    };
    EXPECT_EQ(c.run.layer_traffic.size(), c.program.layers.size()) << what;
    for (size_t l = 0; l < c.program.layers.size() && l < c.run.layer_traffic.size(); ++l)
        EXPECT_TRUE(c.run.layer_traffic[l] == times(c.program.layers[l].traffic)) << what << ": layer " << l;
    EXPECT_TRUE(c.run.traffic == times(c.program.traffic())) << what;
    // Each layer's output tensor goes back to DRAM once (INT8), the logits as int32.
    uint64_t outputs = 4 * static_cast<uint64_t>(c.program.classes);
    for (size_t l = 0; l + 1 < q.model->layers.size(); ++l) {
        const Shape& o = q.model->layers[l].out;
        outputs += static_cast<uint64_t>(o.c) * o.h * o.w;
    }
    EXPECT_EQ(c.run.traffic.dram_written, n * outputs) << what;
    EXPECT_GE(c.run.traffic.dram_read, n * c.program.firmware.size()) << what;
    return c;
}

class NetworkRunLeNet : public test::LeNetSuite<3> {};

TEST_F(NetworkRunLeNet, BaselineLogitsEqualTheEngineOnTwoArraysBothDataflows) {
    for (Dataflow d : {Dataflow::WeightStationary, Dataflow::OutputStationary}) {
        run_exact(*q_, *test_, d, system_config(16, 16), std::string(dataflow_name(d)) + " 16x16");
        const Checked small = run_exact(*q_, *test_, d, system_config(6, 10, 64), std::string(dataflow_name(d)) + " 6x10, small scratchpads");
        int tiled = 0;
        for (const LayerMap& l : small.program.layers) tiled += l.tiles > 1;
        EXPECT_GT(tiled, 0) << "small scratchpads split some layer into tiles";
    }
}

TEST_F(NetworkRunLeNet, WeightDistributedLogitsEqualTheEngineAndTheExtraMacsAreCounted) {
    QuantizedModel wd = *q_;
    MitigationOptions mo;
    mo.wd_fraction = 0.05;
    const MitigationReport rep = mitigate(wd, tables_->p_weight_a, mo);
    ASSERT_GT(rep.wd_split, 0u);
    ASSERT_EQ(wd.extra_weights(), rep.wd_split);
    for (Dataflow d : {Dataflow::WeightStationary, Dataflow::OutputStationary}) {
        const Checked c = run_exact(wd, *test_, d, system_config(8, 8), std::string("WD+EAQ ") + dataflow_name(d));
        EXPECT_EQ(c.program.macs(), wd.macs());
        EXPECT_GT(c.program.macs(), q_->macs());
        int rows = 0;
        for (const LayerMap& l : c.program.layers) rows += l.extra_rows;
        EXPECT_GT(rows, 0);
        EXPECT_GE(c.program.macs_issued(), c.program.macs()) << "extra rows carry zeros for channels without an extra weight";
    }
    run_exact(wd, *test_, Dataflow::WeightStationary, system_config(5, 7, 64), "WD+EAQ ws 5x7 small scratchpads");
}

// The same wrong products reach the same logits on the SoC (compiled program, DMA, scratchpads)
// and in the array inference (the engine's GEMMs on the bare array), plain and weight-distributed
// (the array inference lays out WD's extra rows as the compiler does).
TEST_F(NetworkRunLeNet, WithTimingErrorsTheSystemEqualsTheArrayInference) {
    const auto table = test::held_transitions(*tables_, WeightPort::A);
    QuantizedModel wd = *q_;
    MitigationOptions mo;
    mo.wd_fraction = 0.05;
    ASSERT_GT(mitigate(wd, tables_->p_weight_a, mo).wd_split, 0u);
    for (const QuantizedModel* q : {&*q_, &wd})
        for (Dataflow d : {Dataflow::WeightStationary, Dataflow::OutputStationary}) {
            const std::string what = std::string(q == &wd ? "WD+EAQ " : "baseline ") + dataflow_name(d);
            const SystemConfig sys = system_config(8, 8);
            const NetworkProgram p = compile_network(*q, mapping_options(sys.accelerator, d, WeightPort::A));
            for (const LayerMap& l : p.layers) ASSERT_LE(l.tiles, 1) << "one tile per layer: the array inference's GEMMs; " << what;
            NetworkRunOptions o;
            o.system = sys;
            o.regulation = 0.5;
            o.seed = 7;
            o.keep_logits = true;
            const NetworkRun r = run_network(*q, p, *test_, o, MultiplierBackend::fast(table));
            ArrayInferenceOptions ao;
            ao.rows = ao.cols = 8;
            ao.dataflow = d;
            ao.regulation = 0.5;
            ao.seed = 7;
            ArrayMul mul(ao, MultiplierBackend::fast(table));
            Workspace<int8_t> ws(*model_);
            std::vector<int32_t> expect, l(10);
            for (size_t i = 0; i < test_->count(); ++i) {
                mul.start_image(i);
                forward_int8(*q, test_->image(i), ws, l.data(), mul);
                expect.insert(expect.end(), l.begin(), l.end());
            }
            EXPECT_EQ(r.logits, expect) << what;
            EXPECT_EQ(r.total.wrong_products, mul.stats.wrong_products) << what;
            EXPECT_EQ(r.total.slow_cycles, mul.stats.slow_cycles) << what;
            EXPECT_EQ(r.total.busy_pe_cycles, mul.stats.busy_pe_cycles) << what;
            if (d == Dataflow::WeightStationary) {
                EXPECT_GT(r.total.wrong_products, 0u) << what;
            }
        }
}

TEST_F(NetworkRunLeNet, TheClockedArrayAndTemporalDecouplingGiveTheSameRun) {
    const auto table = test::held_transitions(*tables_, WeightPort::A);
    SystemConfig sys = system_config(8, 8);
    const NetworkProgram p = compile_network(*q_, mapping_options(sys.accelerator, Dataflow::WeightStationary, WeightPort::A));
    NetworkRunOptions o;
    o.regulation = 0.5;
    o.keep_logits = true;
    std::vector<NetworkRun> runs;
    for (bool clocked : {true, false}) {
        o.system = sys;
        o.system.clocked_array = clocked;
        o.system.clock_ns = 1.5;
        runs.push_back(run_network(*q_, p, *test_, o, MultiplierBackend::fast(table)));
    }
    EXPECT_EQ(runs[0].logits, runs[1].logits);
    EXPECT_EQ(runs[0].total.cycles, runs[1].total.cycles);
    EXPECT_EQ(runs[0].total.wrong_products, runs[1].total.wrong_products);
    EXPECT_GT(runs[0].total.wrong_products, 0u);
    EXPECT_EQ(runs[0].dma_bytes, runs[1].dma_bytes);
    EXPECT_NEAR(runs[0].accelerator_ns, runs[1].accelerator_ns, 1e-3) << "the same simulated time";
    EXPECT_GT(runs[0].accelerator_ns, 1.5 * static_cast<double>(runs[0].total.cycles) / static_cast<double>(test_->count()));
}

TEST_F(NetworkRunLeNet, ConfigurationsThatDoNotFitAreRefused) {
    SystemConfig sys = system_config(4, 4);
    sys.accelerator.activation_bytes = 64;
    tesa::test::expect_error([&] { compile_network(*q_, mapping_options(sys.accelerator, Dataflow::WeightStationary, WeightPort::A)); },
                             {"compiler: layer 0 (conv)", "does not fit the activation or output scratchpad"});
    const NetworkProgram p = compile_network(*q_, mapping_options(system_config(4, 4).accelerator, Dataflow::WeightStationary, WeightPort::A));
    NetworkRunOptions o;
    o.system = system_config(8, 8);
    tesa::test::expect_error([&] { run_network(*q_, p, *test_, o, MultiplierBackend::fast(clean_table())); },
                             {"compiled for another array"});
    o.system = system_config(4, 4);
    o.system.dram_bytes = 4096;
    tesa::test::expect_error([&] { run_network(*q_, p, *test_, o, MultiplierBackend::fast(clean_table())); }, {"bytes of DRAM"});
}

// Random weights in a topology, quantized on random images: the engine and the system must agree
// whatever the numbers.
struct RandomNetwork {
    Model model;
    ImageSet images;
    QuantizedModel q;
    RandomNetwork(Model m, size_t count, uint64_t seed) : model(std::move(m)) {
        Rng rng(seed);
        model.file = model.network = "random";
        model.dataset = "random";
        model.pre.mean.assign(static_cast<size_t>(model.input.c), 0.5f);
        model.pre.std.assign(static_cast<size_t>(model.input.c), 0.25f);
        for (Layer& l : model.layers) {
            const float scale = l.has_weights() ? 1.5f / std::sqrt(static_cast<float>(l.fan_in())) : 0;
            for (float& w : l.weight) w = scale * (static_cast<float>(rng.below(2001)) / 1000.0f - 1.0f);
            for (float& b : l.bias) b = 0.1f * (static_cast<float>(rng.below(2001)) / 1000.0f - 1.0f);
        }
        images.name = "random";
        images.channels = model.input.c;
        images.height = model.input.h;
        images.width = model.input.w;
        images.pixels.resize(count * images.image_size());
        for (auto& p : images.pixels) p = static_cast<uint8_t>(rng.below(256));
        images.labels.assign(count, 0);
        q = QuantizedModel::quantize(model, images, {});
    }
};

TEST(NetworkRun, ResidualNetworkWithPoolingAndShortcutsEqualsTheEngine) {
    Model m;
    m.input = {3, 10, 10};
    using test::conv, test::fc, test::simple;
    m.layers = {conv(-1, 3, 4, 3, 1, 1, true),
                conv(0, 4, 8, 3, 2, 1, true),
                conv(1, 8, 8, 3, 1, 1, false),
                simple(LayerType::ShortcutA, {0}, 0, 2, 2),
                simple(LayerType::Add, {2, 3}),
                conv(4, 8, 8, 1, 1, 0, true),
                simple(LayerType::MaxPool, {5}, 2, 2),
                simple(LayerType::GlobalAvgPool, {6}),
                fc(7, 8, 10, false)};
    m.infer_shapes();
    RandomNetwork net(std::move(m), 4, 3);
    for (Dataflow d : {Dataflow::WeightStationary, Dataflow::OutputStationary}) {
        run_exact(net.q, net.images, d, system_config(4, 4), std::string("residual ") + dataflow_name(d));
        run_exact(net.q, net.images, d, system_config(3, 5, 512), std::string("residual small scratchpads ") + dataflow_name(d));
    }
}

TEST(NetworkRun, ResNet20ShapedNetworkEqualsTheEngine) {
    RandomNetwork net(test::resnet20(), 1, 5);
    const Checked c = run_exact(net.q, net.images, Dataflow::WeightStationary, system_config(16, 16), "resnet20 ws 16x16");
    EXPECT_EQ(c.program.macs(), 40551040u);
}

// Resume records are checked before they are merged: a record without per-layer statistics (once
// a crash on every rerun), of another network, of several images or cut short is refused, and the
// journal drops it so that its image runs again.
TEST(RunRecord, RecordsOfAnotherNetworkOrDamagedAreNotTrusted) {
    NetworkRun one;
    one.images = 1;
    one.correct = 1;
    one.layer_stats.resize(3);
    one.layer_stats[1].cycles = 42;
    one.layer_traffic.resize(3);
    one.layer_traffic[2].spad_read[1] = 99;
    one.traffic.dram_read = 7;
    one.logits = {1, -2, 3};
    const std::string rec = encode_image_record(17, one);
    const auto [id, back] = decode_image_record(rec, 3, "j");
    EXPECT_EQ(id, 17u);
    EXPECT_EQ(back.layer_stats[1].cycles, 42u);
    EXPECT_EQ(back.layer_traffic[2].spad_read[1], 99u);
    EXPECT_EQ(back.traffic.dram_read, 7u);
    EXPECT_EQ(back.logits, one.logits);
    test::expect_error([&] { decode_image_record(rec, 7, "j.tjr"); }, {"j.tjr", "with 3 layers, the network has 7"});
    NetworkRun none = one;
    none.layer_stats.clear();
    test::expect_error([&] { decode_image_record(encode_image_record(1, none), 7, "j.tjr"); }, {"with 0 layers"});
    NetworkRun two = one;
    two.images = 2;
    test::expect_error([&] { decode_image_record(encode_image_record(1, two), 3, "j.tjr"); }, {"of 2 images"});
    test::expect_error([&] { decode_image_record(rec.substr(0, rec.size() - 1), 3, "j.tjr"); }, {"j.tjr"});
    test::expect_error([&] { decode_run(encode_run(one) + "x", "w"); }, {"w: run record of the wrong length"});

    test::TempDir t;
    ImageJournal journal{t.path / "journal"};
    {
        auto w = journal.writer(0);
        w->append(encode_image_record(5, one));
        w->append(encode_image_record(6, none));
        w->append(encode_image_record(7, one));
    }
    std::vector<std::string> warnings;
    const auto done = journal.load(3, [&](const std::string& w) { warnings.push_back(w); });
    EXPECT_EQ(done.size(), 2u);
    EXPECT_EQ(done.count(5), 1u);
    EXPECT_EQ(done.count(7), 1u);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("with 0 layers"), std::string::npos) << warnings[0];
}

}  // namespace
}  // namespace tesa
