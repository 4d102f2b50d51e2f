// bench_models.h -- the networks the benchmarks run. A network whose trained file is not committed
// yet runs with seeded random weights of its real topology (speed does not depend on the values,
// except that the INT8 kernel skips zero weights; random weights have almost none).
#pragma once

#include "net_test_util.h"

#include <filesystem>
#include <random>
#include <string>

namespace tesa::bench {

inline Model load_or_random(const std::string& name) {
    if (std::filesystem::exists(model_path(name))) return Model::read(model_path(name));
    Model m = name == "resnet20-cifar10" ? test::resnet20() : test::lenet5(name == "lenet5-mnist" ? 1 : 3);
    std::mt19937 rng(1);
    std::normal_distribution<float> d(0.0f, 0.1f);
    for (auto& l : m.layers) {
        for (auto& w : l.weight) w = d(rng);
        for (auto& s : l.sensitivity) s = std::abs(d(rng));
    }
    m.network = name + " (random weights)";
    m.dataset = dataset_of(name);
    m.pre.pad = name == "lenet5-mnist" ? 2 : 0;
    m.pre.mean.assign(static_cast<size_t>(m.input.c), 0.5f);
    m.pre.std.assign(static_cast<size_t>(m.input.c), 0.25f);
    return m;
}

}  // namespace tesa::bench
