// Fuzz target: HDF5 model files, through the structure-aware mutator seeded with the trained
// LeNet-5/MNIST; a model the reader accepts is run on one image of its declared input shape (FP32
// and INT8), as `tesa eval` would.
#include "networks/engine.h"
#include "networks/model_file.h"
#include "networks/quantize.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/h5_mutator.h"

#include <filesystem>

namespace {
tesa::fuzz::H5Tree seed;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    seed = tesa::fuzz::load_h5_tree(TESA_FUZZ_MODEL);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string file = tesa::fuzz::write_mutated(seed, data, size);
    tesa::fuzz::refuses_cleanly([&] {
        const tesa::Model m = tesa::Model::read(file);
        tesa::ImageSet one;
        one.channels = m.input.c;
        one.height = m.input.h - 2 * m.pre.pad;
        one.width = m.input.w - 2 * m.pre.pad;
        one.labels = {0};
        one.pixels.assign(one.image_size(), 128);
        tesa::evaluate_fp32(m, one, 1);
        tesa::QuantOptions qo;
        tesa::evaluate_int8(tesa::QuantizedModel::quantize(m, one, qo), one, 1);
    });
    std::filesystem::remove(file);
    return 0;
}
