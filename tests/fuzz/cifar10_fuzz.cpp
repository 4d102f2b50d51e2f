// Fuzz target: CIFAR-10 binary batches (two appended to one set, as the loaders do).
#include "networks/datasets.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string all = tesa::fuzz::text(data, size);
    tesa::fuzz::refuses_cleanly([&] {
        tesa::ImageSet s;
        tesa::append_cifar10_batch(s, all.substr(0, size / 2), "fuzz_batch_1.bin");
        tesa::append_cifar10_batch(s, all.substr(size / 2), "fuzz_batch_2.bin");
        if (s.pixels.size() != s.count() * s.image_size()) __builtin_trap();
    });
    return 0;
}
