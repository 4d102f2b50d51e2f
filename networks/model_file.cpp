// model_file.cpp -- HDF5 model file reader with shape inference and schema checks.
#include "networks/model_file.h"

#include "common/error.h"

#include <H5Cpp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tesa {

namespace fs = std::filesystem;

const char* layer_type_name(LayerType t) {
    switch (t) {
        case LayerType::Conv: return "conv";
        case LayerType::Fc: return "fc";
        case LayerType::MaxPool: return "maxpool";
        case LayerType::GlobalAvgPool: return "global_avgpool";
        case LayerType::ShortcutA: return "shortcut_a";
        case LayerType::Add: return "add";
    }
    return "?";
}

size_t Layer::macs() const { return has_weights() ? static_cast<size_t>(out.h) * out.w * weight.size() : 0; }

size_t Model::macs() const {
    size_t n = 0;
    for (const auto& l : layers) n += l.macs();
    return n;
}

size_t Model::weight_count() const {
    size_t n = 0;
    for (const auto& l : layers) n += l.weight.size();
    return n;
}

fs::path model_path(const std::string& network) {
    return fs::path(TESA_SOURCE_DIR) / "networks" / "models" / (network + ".h5");
}

std::string dataset_of(const std::string& network) {
    if (network == "lenet5-mnist") return "mnist";
    if (network == "lenet5-cifar10" || network == "resnet20-cifar10") return "cifar10";
    fail("network '" + network + "': expected lenet5-mnist, lenet5-cifar10 or resnet20-cifar10");
}

namespace {

struct Reader {
    std::string file;

    [[noreturn]] void bad(const std::string& where, const std::string& what) const {
        fail(file + ": " + (where.empty() ? "" : where + ": ") + what);
    }

    std::string str(const H5::H5Object& o, const std::string& where, const std::string& name) const {
        if (!o.attrExists(name)) bad(where, "attribute '" + name + "' missing");
        H5::Attribute a = o.openAttribute(name);
        if (a.getTypeClass() != H5T_STRING || a.getSpace().getSimpleExtentNpoints() != 1)
            bad(where, "attribute '" + name + "' is not a single string");
        std::string v;
        a.read(a.getStrType(), v);
        return v;
    }

    template <class T>
    std::vector<T> nums(const H5::H5Object& o, const std::string& where, const std::string& name) const {
        if (!o.attrExists(name)) bad(where, "attribute '" + name + "' missing");
        H5::Attribute a = o.openAttribute(name);
        const H5T_class_t c = a.getTypeClass();
        if (c != H5T_INTEGER && c != H5T_FLOAT) bad(where, "attribute '" + name + "' is not numeric");
        std::vector<T> v(static_cast<size_t>(a.getSpace().getSimpleExtentNpoints()));
        const H5::PredType& t = std::is_same_v<T, float>    ? H5::PredType::NATIVE_FLOAT
                                : std::is_same_v<T, double> ? H5::PredType::NATIVE_DOUBLE
                                                            : H5::PredType::NATIVE_INT;
        a.read(t, v.data());
        return v;
    }

    template <class T>
    T num(const H5::H5Object& o, const std::string& where, const std::string& name) const {
        auto v = nums<T>(o, where, name);
        if (v.size() != 1) bad(where, "attribute '" + name + "' is not a scalar");
        return v[0];
    }

    template <class T>
    std::vector<T> dataset(const H5::Group& g, const std::string& where, const std::string& name,
                           std::vector<hsize_t>* dims = nullptr) const {
        if (!g.nameExists(name)) bad(where, "dataset '" + name + "' missing");
        H5::DataSet ds = g.openDataSet(name);
        H5::DataSpace sp = ds.getSpace();
        std::vector<hsize_t> d(static_cast<size_t>(sp.getSimpleExtentNdims()));
        sp.getSimpleExtentDims(d.data());
        if (dims) *dims = d;
        std::vector<T> v(static_cast<size_t>(sp.getSimpleExtentNpoints()));
        ds.read(v.data(), std::is_same_v<T, float> ? H5::PredType::NATIVE_FLOAT : H5::PredType::NATIVE_INT);
        return v;
    }
};

LayerType parse_type(const Reader& r, const std::string& where, const std::string& t) {
    for (LayerType x : {LayerType::Conv, LayerType::Fc, LayerType::MaxPool, LayerType::GlobalAvgPool, LayerType::ShortcutA,
                        LayerType::Add})
        if (t == layer_type_name(x)) return x;
    r.bad(where, "unknown layer type '" + t + "'");
}

std::string shape_str(const Shape& s) {
    return std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w);
}

// What a layer's geometry may be: far beyond any network tesa runs, small enough that no size
// computed from them overflows and no activation tensor is absurdly large.
constexpr int kMaxWindow = 64, kMaxSide = 4096, kMaxPadChannels = 4096;
constexpr size_t kMaxActivation = size_t{1} << 26;

// Output shape of layer i from its inputs' shapes; checks weights against them.
void infer_shape(const Reader& r, Model& m, size_t i) {
    Layer& l = m.layers[i];
    const std::string where = "layer " + std::to_string(i) + " (" + layer_type_name(l.type) + ")";
    auto in_range = [&](const char* what, int v, int lo, int hi) {
        if (v < lo || v > hi)
            r.bad(where, std::string(what) + " " + std::to_string(v) + " is out of range (" + std::to_string(lo) + " .. " + std::to_string(hi) + ")");
    };
    if (l.type == LayerType::Conv || l.type == LayerType::MaxPool || l.type == LayerType::ShortcutA) in_range("stride", l.stride, 1, kMaxWindow);
    if (l.type == LayerType::Conv || l.type == LayerType::MaxPool) in_range("kernel", l.kernel, 1, kMaxWindow);
    if (l.type == LayerType::Conv) in_range("pad", l.pad, 0, kMaxWindow);
    if (l.type == LayerType::ShortcutA) in_range("pad_channels", l.pad_channels, 0, kMaxPadChannels);
    const size_t need = l.type == LayerType::Add ? 2 : 1;
    if (l.inputs.size() != need) r.bad(where, "has " + std::to_string(l.inputs.size()) + " inputs, expected " + std::to_string(need));
    for (int in : l.inputs)
        if (in < -1 || in >= static_cast<int>(i)) r.bad(where, "input " + std::to_string(in) + " is not an earlier layer");
    auto shape_of = [&](int in) { return in < 0 ? m.input : m.layers[static_cast<size_t>(in)].out; };
    l.in = shape_of(l.inputs[0]);
    switch (l.type) {
        case LayerType::Conv: {
            const int o = static_cast<int>(l.bias.size());
            const size_t per = o ? l.weight.size() / static_cast<size_t>(o) : 0;
            if (o == 0 || per * static_cast<size_t>(o) != l.weight.size() || per % static_cast<size_t>(l.in.c) != 0)
                r.bad(where, "weights do not fit input " + shape_str(l.in));
            const int kk = static_cast<int>(per / static_cast<size_t>(l.in.c));
            if (l.kernel * l.kernel != kk) r.bad(where, "weight kernel does not match its shape");
            l.out = {o, (l.in.h + 2 * l.pad - l.kernel) / l.stride + 1, (l.in.w + 2 * l.pad - l.kernel) / l.stride + 1};
            break;
        }
        case LayerType::Fc:
            if (l.bias.empty() || l.weight.size() != l.bias.size() * l.in.size())
                r.bad(where, "weight " + std::to_string(l.weight.size()) + " values do not fit input " + shape_str(l.in) +
                                 " x " + std::to_string(l.bias.size()) + " outputs");
            l.out = {static_cast<int>(l.bias.size()), 1, 1};
            break;
        case LayerType::MaxPool:
            if (l.kernel < 1 || l.stride < 1) r.bad(where, "kernel and stride must be >= 1");
            l.out = {l.in.c, (l.in.h - l.kernel) / l.stride + 1, (l.in.w - l.kernel) / l.stride + 1};
            break;
        case LayerType::GlobalAvgPool: l.out = {l.in.c, 1, 1}; break;
        case LayerType::ShortcutA:
            if (l.stride < 1 || l.pad_channels < 0) r.bad(where, "bad stride or pad_channels");
            l.out = {l.in.c + 2 * l.pad_channels, (l.in.h + l.stride - 1) / l.stride, (l.in.w + l.stride - 1) / l.stride};
            break;
        case LayerType::Add:
            if (!(shape_of(l.inputs[1]) == l.in))
                r.bad(where, "adds " + shape_str(l.in) + " and " + shape_str(shape_of(l.inputs[1])) + " (shape mismatch)");
            l.out = l.in;
            break;
    }
    if (l.out.c <= 0 || l.out.h <= 0 || l.out.w <= 0) r.bad(where, "empty output " + shape_str(l.out));
    if (l.out.size() > kMaxActivation) r.bad(where, "output " + shape_str(l.out) + " is too large");
}

void require_finite(const Reader& r, const std::string& where, const char* what, const std::vector<float>& v) {
    for (size_t k = 0; k < v.size(); ++k)
        if (!std::isfinite(v[k]) || std::fabs(v[k]) > 1e6f)
            r.bad(where, std::string(what) + "[" + std::to_string(k) + "] = " + std::to_string(v[k]) + " is not a finite value of plausible size");
}

}  // namespace

void Model::infer_shapes() {
    Reader r{file};
    if (layers.empty()) r.bad("", "no layers");
    if (input.c < 1 || input.h < 1 || input.w < 1 || input.c > kMaxSide || input.h > kMaxSide || input.w > kMaxSide)
        r.bad("", "input shape " + shape_str(input) + " is out of range (1 .. " + std::to_string(kMaxSide) + " per dimension)");
    for (size_t i = 0; i < layers.size(); ++i) infer_shape(r, *this, i);
}

Model Model::read(const fs::path& file) {
    Reader r{file.string()};
    if (!fs::exists(file)) r.bad("", "model file not found");
    Model m;
    m.file = file.string();
    try {
        H5::Exception::dontPrint();
        if (!H5::H5File::isHdf5(file.string())) r.bad("", "not an HDF5 file");
        H5::H5File f(file.string(), H5F_ACC_RDONLY);
        H5::Group root = f.openGroup("/");
        if (!root.attrExists("format") || r.str(root, "", "format") != "tesa-model") r.bad("", "not a tesa model file (attribute format != tesa-model)");
        if (r.num<int>(root, "", "format_version") != 1) r.bad("", "unsupported format_version");
        m.network = r.str(root, "", "network");
        m.dataset = r.str(root, "", "dataset");
        auto in = r.nums<int>(root, "", "input_shape");
        if (in.size() != 3) r.bad("", "input_shape must be C,H,W");
        m.pre.pad = r.num<int>(root, "", "pad");
        for (int d : in)
            if (d < 1 || d > kMaxSide) r.bad("", "input_shape " + std::to_string(d) + " is out of range (1 .. " + std::to_string(kMaxSide) + ")");
        if (m.pre.pad < 0 || m.pre.pad > kMaxWindow) r.bad("", "pad " + std::to_string(m.pre.pad) + " is out of range (0 .. 64)");
        m.input = {in[0], in[1] + 2 * m.pre.pad, in[2] + 2 * m.pre.pad};
        m.pre.mean = r.nums<float>(root, "", "mean");
        m.pre.std = r.nums<float>(root, "", "std");
        if (static_cast<int>(m.pre.mean.size()) != in[0] || m.pre.std.size() != m.pre.mean.size())
            r.bad("", "mean/std need one value per input channel");
        require_finite(r, "", "mean", m.pre.mean);
        require_finite(r, "", "std", m.pre.std);
        for (float v : m.pre.std)
            if (!(v > 1e-6f)) r.bad("", "std must be positive");
        m.fp32_test_accuracy = r.num<double>(root, "", "fp32_test_accuracy");
        m.command = r.str(root, "", "command");
        m.training = r.str(root, "", "training");
        m.torch_version = r.str(root, "", "torch_version");
        m.sensitivity_definition = r.str(root, "", "sensitivity");
        if (!root.nameExists("layers")) r.bad("", "group 'layers' missing");
        H5::Group lg = f.openGroup("/layers");
        const hsize_t n = lg.getNumObjs();
        if (n == 0) r.bad("", "no layers");
        if (n > 999) r.bad("", std::to_string(n) + " layers (at most 999)");
        for (hsize_t i = 0; i < n; ++i) {
            char name[16];
            std::snprintf(name, sizeof name, "%03d", static_cast<int>(i));
            const std::string where = std::string("layers/") + name;
            if (!lg.nameExists(name)) r.bad(where, "missing (layers are numbered 000, 001, ...)");
            H5::Group g = lg.openGroup(name);
            Layer l;
            l.type = parse_type(r, where, r.str(g, where, "type"));
            l.inputs = r.nums<int>(g, where, "inputs");
            auto opt = [&](const char* key, int dflt) { return g.attrExists(key) ? r.num<int>(g, where, key) : dflt; };
            l.relu = opt("relu", 0) != 0;
            l.stride = opt("stride", 1);
            l.pad = opt("pad", 0);
            l.kernel = opt("kernel", 0);
            l.pad_channels = opt("pad_channels", 0);
            if (l.has_weights()) {
                std::vector<hsize_t> wd;
                l.weight = r.dataset<float>(g, where, "weight", &wd);
                l.bias = r.dataset<float>(g, where, "bias");
                l.sensitivity = r.dataset<float>(g, where, "sensitivity");
                if (l.sensitivity.size() != l.weight.size()) r.bad(where, "sensitivity and weight differ in size");
                require_finite(r, where, "weight", l.weight);
                require_finite(r, where, "bias", l.bias);
                for (size_t k = 0; k < l.sensitivity.size(); ++k)
                    if (!std::isfinite(l.sensitivity[k])) r.bad(where, "sensitivity[" + std::to_string(k) + "] is not finite");
                if (l.type == LayerType::Conv) {
                    if (wd.size() != 4 || wd[2] != wd[3]) r.bad(where, "conv weight must be out x in x k x k");
                    if (wd[2] < 1 || wd[2] > static_cast<hsize_t>(kMaxWindow)) r.bad(where, "conv kernel " + std::to_string(wd[2]) + " is out of range (1 .. 64)");
                    l.kernel = static_cast<int>(wd[2]);
                } else if (wd.size() != 2) {
                    r.bad(where, "fc weight must be out x in");
                }
            }
            m.layers.push_back(std::move(l));
        }
        m.infer_shapes();
        if (root.nameExists("reference")) {
            H5::Group rg = f.openGroup("/reference");
            m.reference_indices = r.dataset<int>(rg, "reference", "test_indices");
            m.reference_logits = r.dataset<float>(rg, "reference", "logits");
            require_finite(r, "reference", "logits", m.reference_logits);
            if (m.reference_logits.size() != m.reference_indices.size() * static_cast<size_t>(m.classes()))
                r.bad("reference", "logits do not match indices x classes");
        }
    } catch (const H5::Exception& e) {
        r.bad("", "corrupt or unreadable HDF5 (" + e.getDetailMsg() + ")");
    }
    return m;
}

}  // namespace tesa
