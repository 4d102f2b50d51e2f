// model_file.h -- a trained network as tesa reads it: the HDF5 model file written by
// networks/train/train.py (schema in networks/README.md). The C++ side reads only this file.
//
// A network is a list of layers in topological order; each names its inputs by index (-1: the
// network input). Batch-norm is already folded into the conv weights and biases.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace tesa {

enum class LayerType { Conv, Fc, MaxPool, GlobalAvgPool, ShortcutA, Add };

const char* layer_type_name(LayerType t);

// C x H x W of one image's activation tensor (an fc output is C x 1 x 1).
struct Shape {
    int c = 0, h = 0, w = 0;
    size_t size() const { return static_cast<size_t>(c) * h * w; }
    bool operator==(const Shape& o) const { return c == o.c && h == o.h && w == o.w; }
};

struct Layer {
    LayerType type = LayerType::Conv;
    std::vector<int> inputs;  // producer indices, -1 = network input; Add has two
    bool relu = false;        // ReLU fused after the layer
    int stride = 1, pad = 0;  // conv: stride and zero padding; MaxPool/ShortcutA: stride
    int kernel = 0;           // MaxPool window; conv: kh == kw == kernel
    int pad_channels = 0;     // ShortcutA: zero channels added on each side
    // Conv: out x in x k x k; Fc: out x in (in = flattened input). Row-major, as PyTorch stores them.
    std::vector<float> weight, bias, sensitivity;
    Shape in, out;            // filled by shape inference when the file is read

    int out_features() const { return out.c; }
    size_t fan_in() const { return weight.size() / static_cast<size_t>(out.c); }  // weights per output
    // Multiplications per image (conv: out elements x fan-in; fc: out x in; others 0).
    size_t macs() const;
    bool has_weights() const { return type == LayerType::Conv || type == LayerType::Fc; }
};

// How a uint8 image becomes the network input: zero-padded by `pad` pixels, then
// x = (p / 255 - mean[c]) / std[c].
struct Preprocess {
    int pad = 0;
    std::vector<float> mean, std;
};

struct Model {
    std::string file, network, dataset;
    Shape input;              // after padding
    Preprocess pre;
    std::vector<Layer> layers;
    double fp32_test_accuracy = 0;  // of the deployed network, measured by the training script
    std::string command, training, torch_version, sensitivity_definition;
    // Reference logits exported by PyTorch for the first test images (test fixture).
    std::vector<int> reference_indices;
    std::vector<float> reference_logits;  // indices x classes

    size_t macs() const;
    size_t weight_count() const;
    int classes() const { return layers.back().out.c; }

    // Shape inference over the layers (fills Layer::in/out) with checks of weights against shapes
    // and of input indices; errors name `file` and the layer. read() calls it.
    void infer_shapes();

    // Reads and checks a model file: schema, shapes, input indices; errors name the file and layer.
    static Model read(const std::filesystem::path& file);
};

// networks/models/<name>.h5 of the source tree, the committed trained networks.
std::filesystem::path model_path(const std::string& network);
// The data set a network name implies ("lenet5-mnist" -> "mnist").
std::string dataset_of(const std::string& network);

}  // namespace tesa
