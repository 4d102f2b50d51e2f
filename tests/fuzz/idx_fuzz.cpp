// Fuzz target: MNIST idx image and label files. Bytes 0-1 give the length of the image file's
// part (little-endian), the rest is the label file.
#include "networks/datasets.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const size_t cut = std::min<size_t>(size - 2, static_cast<size_t>(data[0] | data[1] << 8));
    const std::string images(reinterpret_cast<const char*>(data) + 2, cut);
    const std::string labels(reinterpret_cast<const char*>(data) + 2 + cut, size - 2 - cut);
    tesa::fuzz::refuses_cleanly([&] { tesa::parse_mnist(images, labels, "fuzz-images-idx3-ubyte", "fuzz-labels-idx1-ubyte"); });
    return 0;
}
