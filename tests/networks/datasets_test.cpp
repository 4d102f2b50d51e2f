// datasets_test.cpp -- the idx and CIFAR-10 readers on the fetched data and on corrupt files.
#include "networks/datasets.h"

#include "common/file_util.h"
#include "test_util.h"

#include <numeric>

namespace tesa {
namespace {

namespace fs = std::filesystem;

class TempDir : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("tesa_datasets_" + std::to_string(::getpid()) + "_" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

std::string idx_header(uint32_t magic, std::initializer_list<uint32_t> dims) {
    std::string s;
    auto put = [&](uint32_t v) {
        for (int k = 3; k >= 0; --k) s.push_back(static_cast<char>((v >> (8 * k)) & 0xff));
    };
    put(magic);
    for (uint32_t d : dims) put(d);
    return s;
}

TEST(Datasets, MnistFromTheCacheHasTheOriginalCountsAndShapes) {
    const ImageSet test = load_dataset("mnist", "test", default_data_dir());
    EXPECT_EQ(test.count(), 10000u);
    EXPECT_EQ(test.channels, 1);
    EXPECT_EQ(test.height, 28);
    EXPECT_EQ(test.width, 28);
    // The first test digits of MNIST are 7, 2, 1, 0, 4.
    EXPECT_EQ(std::vector<int>(test.labels.begin(), test.labels.begin() + 5), (std::vector<int>{7, 2, 1, 0, 4}));
    EXPECT_EQ(load_dataset("mnist", "train", default_data_dir()).count(), 60000u);
}

TEST(Datasets, Cifar10FromTheCacheHasBalancedClasses) {
    const ImageSet train = load_dataset("cifar10", "train", default_data_dir());
    ASSERT_EQ(train.count(), 50000u);
    std::vector<int> per(10, 0);
    for (uint8_t l : train.labels) ++per[l];
    for (int n : per) EXPECT_EQ(n, 5000);
    const ImageSet test = load_dataset("cifar10", "test", default_data_dir());
    EXPECT_EQ(test.count(), 10000u);
    // The first CIFAR-10 test images are a cat, two ships and an airplane.
    EXPECT_EQ(std::vector<int>(test.labels.begin(), test.labels.begin() + 4), (std::vector<int>{3, 8, 8, 0}));
    EXPECT_EQ(test.head(7).count(), 7u);
    EXPECT_EQ(test.head(7).pixels.size(), 7u * 3072);
}

TEST_F(TempDir, TruncatedIdxFileIsRejectedWithItsName) {
    write_file_atomic(dir_ / "img", idx_header(0x803, {2, 28, 28}) + std::string(28 * 28, '\0'));  // one image short
    write_file_atomic(dir_ / "lbl", idx_header(0x801, {2}) + std::string(2, '\1'));
    test::expect_error([&] { load_mnist(dir_ / "img", dir_ / "lbl"); }, {(dir_ / "img").string(), "truncated"});
}

TEST_F(TempDir, WrongMagicAndMismatchedCountsAreRejected) {
    write_file_atomic(dir_ / "img", idx_header(0x801, {1}) + "x");
    write_file_atomic(dir_ / "lbl", idx_header(0x801, {1}) + std::string(1, '\1'));
    test::expect_error([&] { load_mnist(dir_ / "img", dir_ / "lbl"); }, {(dir_ / "img").string(), "magic"});
    write_file_atomic(dir_ / "img", idx_header(0x803, {2, 4, 4}) + std::string(32, '\0'));
    test::expect_error([&] { load_mnist(dir_ / "img", dir_ / "lbl"); }, {"2 images", "1 labels"});
    write_file_atomic(dir_ / "lbl", idx_header(0x801, {2}) + std::string("\1\x0c", 2));
    test::expect_error([&] { load_mnist(dir_ / "img", dir_ / "lbl"); }, {(dir_ / "lbl").string(), "label 12"});
}

TEST_F(TempDir, IdxHeadersWithEmptyTinyOrOverflowingDimensionsAreRejected) {
    write_file_atomic(dir_ / "lbl", idx_header(0x801, {2}) + std::string(2, '\1'));
    write_file_atomic(dir_ / "img", idx_header(0x803, {2, 0, 28}));
    test::expect_error([&] { load_mnist(dir_ / "img", dir_ / "lbl"); }, {(dir_ / "img").string(), "dimension 1", "is 0"});
    write_file_atomic(dir_ / "img", idx_header(0x803, {2, 1, 1}) + std::string(2, '\0'));
    test::expect_error([&] { load_mnist(dir_ / "img", dir_ / "lbl"); }, {(dir_ / "img").string(), "1x1 pixels"});
    // 2^32-1 x 2^32-1 x 2^32-1 overflows 64 bits: refused, not wrapped around to a small size.
    write_file_atomic(dir_ / "img", idx_header(0x803, {0xffffffffu, 0xffffffffu, 0xffffffffu}));
    test::expect_error([&] { load_mnist(dir_ / "img", dir_ / "lbl"); }, {(dir_ / "img").string(), "exceeds"});
}

TEST_F(TempDir, TruncatedCifarBatchIsRejected) {
    write_file_atomic(dir_ / "b.bin", std::string(3073 * 2 - 5, '\0'));
    test::expect_error([&] { load_cifar10({dir_ / "b.bin"}); }, {(dir_ / "b.bin").string(), "records"});
    write_file_atomic(dir_ / "b.bin", std::string(1, '\x0b') + std::string(3072, '\0'));
    test::expect_error([&] { load_cifar10({dir_ / "b.bin"}); }, {"label 11"});
}

TEST_F(TempDir, MissingDataNamesTheFileAndTheFetchCommand) {
    test::expect_error([&] { load_dataset("cifar10", "test", dir_); }, {"test_batch.bin", "scripts/data.sh"});
    test::expect_error([&] { load_dataset("imagenet", "test", dir_); }, {"imagenet"});
}

TEST_F(TempDir, CifarConversionRejectsACorruptPng) {
    std::string labels = "[";
    for (int i = 0; i < 50000; ++i) labels += i ? ",1" : "1";
    write_file_atomic(dir_ / "train_lables.json", labels + "]");
    write_file_atomic(dir_ / "test_lables.json", labels.substr(0, 1 + 2 * 10000 - 1) + "]");
    write_file_atomic(dir_ / "data_batch_1.png", "\x89PNG\r\n\x1a\n garbage");
    test::expect_error([&] { convert_cifar10_package(dir_, dir_ / "out"); }, {"data_batch_1.png"});
    EXPECT_FALSE(fs::exists(dir_ / "out" / "data_batch_1.bin"));
}

}  // namespace
}  // namespace tesa
