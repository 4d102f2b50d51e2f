// net_test_util.h -- network topologies built in C++ (zero weights of the right sizes), so that
// shape inference and MAC counting are tested independently of any trained file.
#pragma once

#include "networks/model_file.h"

namespace tesa::test {

inline Layer conv(int in_idx, int cin, int cout, int k, int stride, int pad, bool relu) {
    Layer l;
    l.type = LayerType::Conv;
    l.inputs = {in_idx};
    l.kernel = k;
    l.stride = stride;
    l.pad = pad;
    l.relu = relu;
    l.weight.assign(static_cast<size_t>(cout) * cin * k * k, 0.0f);
    l.bias.assign(static_cast<size_t>(cout), 0.0f);
    l.sensitivity = l.weight;
    return l;
}

inline Layer fc(int in_idx, int in, int out, bool relu) {
    Layer l;
    l.type = LayerType::Fc;
    l.inputs = {in_idx};
    l.relu = relu;
    l.weight.assign(static_cast<size_t>(in) * out, 0.0f);
    l.bias.assign(static_cast<size_t>(out), 0.0f);
    l.sensitivity = l.weight;
    return l;
}

inline Layer simple(LayerType t, std::vector<int> inputs, int kernel = 0, int stride = 1, int pad_channels = 0) {
    Layer l;
    l.type = t;
    l.inputs = std::move(inputs);
    l.kernel = kernel;
    l.stride = stride;
    l.pad_channels = pad_channels;
    l.relu = t == LayerType::Add;
    return l;
}

inline Model lenet5(int channels) {
    Model m;
    m.file = "lenet5 (test)";
    m.input = {channels, 32, 32};
    m.layers = {conv(-1, channels, 6, 5, 1, 0, true), simple(LayerType::MaxPool, {0}, 2, 2),
                conv(1, 6, 16, 5, 1, 0, true),       simple(LayerType::MaxPool, {2}, 2, 2),
                fc(3, 400, 120, true),               fc(4, 120, 84, true),
                fc(5, 84, 10, false)};
    m.infer_shapes();
    return m;
}

inline Model resnet20() {
    Model m;
    m.file = "resnet20 (test)";
    m.input = {3, 32, 32};
    m.layers.push_back(conv(-1, 3, 16, 3, 1, 1, true));
    int cin = 16;
    for (int cout : {16, 32, 64})
        for (int b = 0; b < 3; ++b) {
            const int stride = (b == 0 && cout != 16) ? 2 : 1;
            int x = static_cast<int>(m.layers.size()) - 1;
            m.layers.push_back(conv(x, cin, cout, 3, stride, 1, true));
            m.layers.push_back(conv(static_cast<int>(m.layers.size()) - 1, cout, cout, 3, 1, 1, false));
            const int y = static_cast<int>(m.layers.size()) - 1;
            if (cin != cout) {
                m.layers.push_back(simple(LayerType::ShortcutA, {x}, 0, 2, (cout - cin) / 2));
                x = static_cast<int>(m.layers.size()) - 1;
            }
            m.layers.push_back(simple(LayerType::Add, {y, x}));
            cin = cout;
        }
    m.layers.push_back(simple(LayerType::GlobalAvgPool, {static_cast<int>(m.layers.size()) - 1}));
    m.layers.push_back(fc(static_cast<int>(m.layers.size()) - 1, 64, 10, false));
    m.infer_shapes();
    return m;
}

}  // namespace tesa::test
